"""Whitelisted methods called by the desk (forms, board, list)."""
