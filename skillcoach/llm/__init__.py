"""Prompt templates from prompts/ and their Langfuse prompt-management mirror."""
