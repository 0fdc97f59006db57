"""The certificate inventory: certificates Laddnet's station CA issued, per station, and
their revocation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.tables.certificates import station_certificates
from laddnet.domain.security.certificates import (
    CertificateUse,
    RevocationReason,
    StationCertificate,
)


def _certificate(r: Any) -> StationCertificate:
    return StationCertificate(
        id=r.id,
        station_id=r.station_id,
        serial_number=r.serial_number,
        subject=r.subject,
        issuer=r.issuer,
        not_before=r.not_before,
        not_after=r.not_after,
        fingerprint_sha256=r.fingerprint_sha256,
        use=CertificateUse(r.use),
        issued_at=r.issued_at,
        pem=r.pem,
        revoked_at=r.revoked_at,
        revoked_reason=RevocationReason(r.revoked_reason) if r.revoked_reason else None,
    )


class SqlCertificateInventory:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def add(self, cert: StationCertificate) -> int:
        """Store it; the same certificate (issuer and serial) again is stored once."""
        values = {
            "station_id": cert.station_id,
            "use": cert.use.value,
            "serial_number": cert.serial_number,
            "subject": cert.subject[:255],
            "issuer": cert.issuer[:255],
            "not_before": cert.not_before,
            "not_after": cert.not_after,
            "fingerprint_sha256": cert.fingerprint_sha256,
            "pem": cert.pem,
            "issued_at": cert.issued_at,
        }
        table = station_certificates
        stmt = insert_ignoring_duplicates(self._conn, table).values(values).returning(table.c.id)
        added = self._conn.execute(stmt).scalar()
        if added is not None:
            return int(added)
        same = (table.c.issuer == values["issuer"]) & (table.c.serial_number == cert.serial_number)
        return int(self._conn.execute(select(table.c.id).where(same)).scalar_one())

    def of_station(self, station_id: str) -> list[StationCertificate]:
        """The station's certificates, the one expiring last first."""
        rows = self._conn.execute(
            select(station_certificates)
            .where(station_certificates.c.station_id == station_id)
            .order_by(station_certificates.c.not_after.desc(), station_certificates.c.id.desc())
        )
        return [_certificate(r) for r in rows]

    def revoke(
        self, station_id: str, serial_number: str, reason: RevocationReason | None, now: datetime
    ) -> tuple[list[StationCertificate], int]:
        """Revoke the station's certificates with this serial number (one, unless two CAs
        chose the same serial) that are not revoked yet; those already revoked keep their time
        and reason. The station's certificates with this serial number afterwards, and how
        many were revoked now."""
        c = station_certificates.c
        mine = (c.station_id == station_id) & (c.serial_number == serial_number)
        changed = self._conn.execute(
            update(station_certificates)
            .where(mine, c.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason.value if reason else None)
        ).rowcount
        rows = self._conn.execute(select(station_certificates).where(mine).order_by(c.id))
        return [_certificate(r) for r in rows], int(changed)

    def revoked(self) -> list[StationCertificate]:
        """Every revoked certificate, in the order they were revoked (a CRL's entries)."""
        c = station_certificates.c
        rows = self._conn.execute(
            select(station_certificates)
            .where(c.revoked_at.is_not(None))
            .order_by(c.revoked_at, c.id)
        )
        return [_certificate(r) for r in rows]

    def is_revoked(self, issuer: str, serial_number: str) -> bool:
        """Whether the certificate of this issuer and serial number is revoked (a login's
        check: one indexed row, on the driver's cursor)."""
        sql = _REVOKED_QMARK if self._hot.qmark else _REVOKED_FORMAT
        _, row = self._hot.execute(sql, (issuer[:255], serial_number), fetch=True)
        return row is not None and row[0] is not None


_REVOKED_QMARK = (
    "SELECT revoked_at FROM station_certificates WHERE issuer = ? AND serial_number = ?"
)
_REVOKED_FORMAT = _REVOKED_QMARK.replace("?", "%s")
