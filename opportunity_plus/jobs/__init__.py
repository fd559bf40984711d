"""Scheduled jobs (``scheduler_events`` in hooks.py)."""
