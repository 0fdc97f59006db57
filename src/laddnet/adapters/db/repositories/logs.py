"""Log uploads requested of stations; the file a station uploads is kept with its request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from laddnet.adapters.db.tables import log_uploads
from laddnet.domain.operations.model import LogUpload

_LISTED = [c for c in log_uploads.c if c.name not in ("content", "token_hash")]


def _upload(r: Any) -> LogUpload:
    return LogUpload(
        id=r.id,
        station_id=r.station_id,
        request_id=r.request_id,
        log_type=r.log_type,
        status=r.status,
        requested_at=r.requested_at,
        expires_at=r.expires_at,
        command_id=r.command_id,
        filename=r.filename,
        size_bytes=r.size_bytes,
        uploaded_at=r.uploaded_at,
    )


class SqlLogUploads:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, station_id: str, now: datetime, **values: Any) -> int:
        stmt = (
            insert(log_uploads)
            .values(station_id=station_id, requested_at=now, **values)
            .returning(log_uploads.c.id)
        )
        return int(self._conn.execute(stmt).scalar_one())

    def update(self, upload_id: int, *, only_from: str | None = None, **values: Any) -> None:
        stmt = update(log_uploads).where(log_uploads.c.id == upload_id)
        if only_from is not None:
            stmt = stmt.where(log_uploads.c.status == only_from)
        self._conn.execute(stmt.values(**values))

    def by_token(self, token_hash: str) -> LogUpload | None:
        row = self._conn.execute(
            select(*_LISTED).where(log_uploads.c.token_hash == token_hash)
        ).first()
        return _upload(row) if row is not None else None

    def store_file(
        self, token_hash: str, filename: str | None, content: bytes, now: datetime
    ) -> bool:
        """Keeps the file if this token has not been used yet; False if it has."""
        c = log_uploads.c
        result = self._conn.execute(
            update(log_uploads)
            .where(c.token_hash == token_hash, c.uploaded_at.is_(None))
            .values(filename=filename, size_bytes=len(content), content=content, uploaded_at=now)
        )
        return result.rowcount == 1

    def find(self, station_id: str, request_id: int | None) -> int | None:
        c = log_uploads.c
        stmt = select(c.id).where(c.station_id == station_id)
        if request_id is not None:
            stmt = stmt.where(c.request_id == request_id)
        row = self._conn.execute(stmt.order_by(c.id.desc()).limit(1)).first()
        return int(row[0]) if row is not None else None

    def list(self, station_id: str, limit: int = 50) -> list[LogUpload]:
        c = log_uploads.c
        stmt = select(*_LISTED).where(c.station_id == station_id).order_by(c.id.desc())
        return [_upload(r) for r in self._conn.execute(stmt.limit(limit))]

    def file(self, station_id: str, upload_id: int) -> tuple[str | None, bytes] | None:
        c = log_uploads.c
        row = self._conn.execute(
            select(c.filename, c.content).where(
                c.station_id == station_id, c.id == upload_id, c.content.is_not(None)
            )
        ).first()
        return (row.filename, bytes(row.content)) if row is not None else None
