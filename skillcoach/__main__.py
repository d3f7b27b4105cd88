"""Run the skillcoach CLI with ``python -m skillcoach``."""
from skillcoach.app.cli import main

main()
