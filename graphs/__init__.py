"""LangGraph wiring: state-graph builders and their routers (no business rules)."""
