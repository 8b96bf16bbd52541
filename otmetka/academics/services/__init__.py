"""Writes of the academics app, one module per area (like Zulip's actions package)."""
