"""Row scope of the academics app: which groups, curricula and workload lines a role may see."""

from __future__ import annotations

# === groups and students (groups engineer) ===

# === programs, curricula, workload (curricula engineer) ===
