"""Reads of the academics app, each pre-joined for one screen."""

from __future__ import annotations

# === groups and students (groups engineer) ===

# === programs, curricula, workload, dashboard (curricula engineer) ===
