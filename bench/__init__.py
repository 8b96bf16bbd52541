"""`make bench`: seeds (or reuses) the college demo in var/bench.sqlite3 and measures it."""
