"""Alembic migrations for Laddnet's schema."""
