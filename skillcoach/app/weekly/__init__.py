"""The weekly batch, its process pool and its cron schedule."""
