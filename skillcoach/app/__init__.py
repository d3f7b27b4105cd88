"""The faces: Python API, CLI (terminal and JSONL), weekly batch and schedule, replay, ask.

Faces start and resume sessions, run batches and replays; they own no business rules.
"""
