"""The coach's agents: one LangGraph node per role, language behind one seam (``Composer``)."""
