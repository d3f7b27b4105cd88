"""Prompt templates (one Markdown file each); the source of truth pushed to Langfuse."""
