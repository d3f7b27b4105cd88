"""Replay: reproduce a recorded session, fork it with another model or prompts, and show it."""
