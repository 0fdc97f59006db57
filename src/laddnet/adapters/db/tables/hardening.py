"""Indexes for the checks against hostile or broken stations (domain/sessions/plausibility.py):
an open session of another station with the same 2.0.1 transactionId, and the sessions waiting
for missing transaction events (`sessions.incomplete_since`)."""

from __future__ import annotations

from sqlalchemy import Index

from laddnet.adapters.db.tables.base import metadata

sessions = metadata.tables["sessions"]  # defined in tables/__init__.py, which imports this last

ix_sessions_transaction_ref = Index("ix_sessions_transaction_ref", sessions.c.transaction_ref)
ix_sessions_incomplete = Index("ix_sessions_incomplete", sessions.c.incomplete_since)

__all__ = ["ix_sessions_incomplete", "ix_sessions_transaction_ref"]  # not `sessions`
