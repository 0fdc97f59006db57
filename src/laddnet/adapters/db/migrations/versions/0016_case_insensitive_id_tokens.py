"""Id tokens are case-insensitive: `id_tokens` keys of tokens stored in clear folded

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 05:30:00

OCPP 1.6 (errata: idTag is a CiString20Type) and 2.0.1 ("IdToken is case insensitive") make
"AB12" and "ab12" the same token, so a token in clear is stored under its folded form (A-Z to
a-z, `fold_token`). Tokens that fold to the same key are merged into one row, the most
restrictive: blocked if any was, the earliest expiry of those that expire, group and owner of
the oldest row. A driver's token is keyed by a keyed hash, which needs the master key: `laddnet
migrate` and `laddnet serve` re-key those (`DriverTokenService.reindex`), not this script. No
schema change; a downgrade leaves the folded keys (still valid tokens).
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from laddnet.adapters.db.types import UtcDateTime
from laddnet.domain.authorization.model import fold_token

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_tokens = sa.table(
    "id_tokens",
    sa.column("value", sa.String()),
    sa.column("blocked", sa.Boolean()),
    sa.column("expires_at", UtcDateTime()),
    sa.column("group_id", sa.String()),
    sa.column("owner", sa.String()),
    sa.column("created_at", UtcDateTime()),
    sa.column("driver_id", sa.String()),
)


def merged(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One row for tokens that are the same token: the most restrictive of them."""
    oldest = min(rows, key=lambda r: (r["created_at"], r["value"]))
    expiries = [r["expires_at"] for r in rows if r["expires_at"] is not None]
    return {
        "value": fold_token(oldest["value"]),
        "blocked": any(r["blocked"] for r in rows),
        "expires_at": min(expiries) if expiries else None,
        "group_id": _first(oldest, rows, "group_id"),
        "owner": _first(oldest, rows, "owner"),
        "created_at": oldest["created_at"],
    }


def _first(oldest: dict[str, Any], rows: list[dict[str, Any]], column: str) -> Any:
    return oldest[column] or next((r[column] for r in rows if r[column]), None)


def upgrade() -> None:
    conn = op.get_bind()
    rows = [
        dict(r._mapping)
        for r in conn.execute(sa.select(_tokens).where(_tokens.c.driver_id.is_(None)))
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(fold_token(row["value"]), []).append(row)
    for key, same in groups.items():
        if len(same) == 1 and same[0]["value"] == key:
            continue
        values = [r["value"] for r in same]
        conn.execute(sa.delete(_tokens).where(_tokens.c.value.in_(values)))
        conn.execute(sa.insert(_tokens).values(merged(same)))


def downgrade() -> None:
    pass  # folded keys are valid tokens for the older code too
