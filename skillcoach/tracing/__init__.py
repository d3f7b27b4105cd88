"""Tracing: trace ids per turn, the Langfuse tracer, masking of personal data, turn records for replay."""
