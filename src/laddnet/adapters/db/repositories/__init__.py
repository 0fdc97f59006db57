"""Repositories: one per area, each a thin set of SQL statements on one connection."""
