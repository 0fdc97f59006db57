"""Operator accounts, their login sessions, two-factor codes, failed logins, and the head of
the audit log's hash chain (migration 0009)."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Index, String, Table

from laddnet.adapters.db.tables.base import BigId, metadata
from laddnet.adapters.db.types import UtcDateTime

__all__ = ["audit_chain", "login_failures", "login_sessions", "recovery_codes", "users"]

# sites: a JSON list of site ids, or NULL for every site. email is stored lower-case.
# totp_secret is set at enrolment, totp_enabled once a code confirmed it; totp_last_step is
# the time step of the last accepted code (a code is accepted once).
users = Table(
    "users",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("sites", JSON, nullable=True),
    Column("password_hash", String(200), nullable=True),
    Column("setup_token_hash", String(64), nullable=True),
    Column("setup_expires_at", UtcDateTime, nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("totp_secret", String(64), nullable=True),
    Column("totp_enabled", Boolean, nullable=False, default=False),
    Column("totp_last_step", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# A login session: the cookie holds a random token, only its SHA-256 is stored (id).
# kind: "session", or "challenge" for a password accepted and a second factor awaited.
login_sessions = Table(
    "login_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(24), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("second_factor_at", UtcDateTime, nullable=True),
    Column("source", String(64), nullable=True),
    Column("user_agent", String(200), nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Index("ix_login_sessions_user", "user_id", "created_at"),
)

# Ten per enrolment, each an argon2id hash, each usable once.
recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", String(24), nullable=False),
    Column("code_hash", String(200), nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
    Index("ix_recovery_codes_user", "user_id"),
)

# Failed logins and wrong codes, by key: "account:<email>" or "address:<ip>".
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Index("ix_login_failures_key", "key", "occurred_at"),
)

# One row (id 1): the hash of the newest audit entry. Writers lock it, so the chain never forks.
audit_chain = Table(
    "audit_chain",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("last_hash", String(64), nullable=False),
    Column("entries", BigInteger, nullable=False),
)
