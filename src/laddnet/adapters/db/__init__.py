"""SQLAlchemy (async, Core) storage on SQLite or PostgreSQL, with Alembic migrations."""
