"""Alembic migrations for Laddnet's schema."""

# The newest revision; a test checks it matches the scripts, so `is_current` needs no Alembic.
HEAD = "0021"
