"""Tariffs, their versions and where they apply."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, literal, or_, select, union_all, update

from laddnet.adapters.db.repositories._sql import upsert
from laddnet.adapters.db.tables import sessions, stations
from laddnet.adapters.db.tables.pricing import (
    tariff_assignments,
    tariff_group_assignments,
    tariff_versions,
    tariffs,
)
from laddnet.domain.pricing.records import (
    AppliedTariff,
    Assignment,
    CustomerGroup,
    TargetKind,
    TariffId,
    TariffVersion,
    most_specific,
)
from laddnet.domain.pricing.serialize import tariff_to_json
from laddnet.domain.pricing.tariff import Tariff
from laddnet.domain.pricing.validation import tariff_from_json

_VERSION_COLUMNS = (
    tariff_versions,
    tariffs.c.name,
    tariffs.c.current_version,
)


class SqlTariffRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_version(
        self, tariff_id: TariffId, name: str, tariff: Tariff, now: Any, actor: str
    ) -> int:
        """Store a new version (1 for a new tariff) and make it current; returns its number."""
        current = self._conn.execute(
            select(tariffs.c.current_version).where(tariffs.c.id == tariff_id).with_for_update()
        ).scalar()
        version = 1 if current is None else int(current) + 1
        if current is None:
            self._conn.execute(
                tariffs.insert().values(
                    id=tariff_id, name=name, current_version=1, created_at=now, updated_at=now
                )
            )
        else:
            self._conn.execute(
                update(tariffs)
                .where(tariffs.c.id == tariff_id)
                .values(name=name, current_version=version, updated_at=now)
            )
        self._conn.execute(
            tariff_versions.insert().values(
                tariff_id=tariff_id,
                version=version,
                currency=tariff.currency,
                body=tariff_to_json(tariff),
                created_at=now,
                created_by=actor,
            )
        )
        return version

    def get(self, tariff_id: TariffId, version: int | None = None) -> TariffVersion | None:
        wanted = tariffs.c.current_version if version is None else version
        row = self._conn.execute(
            select(*_VERSION_COLUMNS)
            .join(tariffs, tariffs.c.id == tariff_versions.c.tariff_id)
            .where(tariff_versions.c.tariff_id == tariff_id, tariff_versions.c.version == wanted)
        ).first()
        return None if row is None else _version(row._mapping)

    def list(self, *, limit: int, offset: int) -> tuple[list[TariffVersion], int]:
        total = self._conn.execute(select(func.count()).select_from(tariffs)).scalar_one()
        rows = self._conn.execute(
            select(*_VERSION_COLUMNS)
            .join(tariffs, tariffs.c.id == tariff_versions.c.tariff_id)
            .where(tariff_versions.c.version == tariffs.c.current_version)
            .order_by(tariffs.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
        return [_version(r._mapping) for r in rows], int(total)

    def assign(self, assignment: Assignment, now: Any, actor: str) -> None:
        values = {
            "target_kind": assignment.kind.value,
            "target_id": assignment.target_id,
            "evse_id": assignment.evse_id,
            "tariff_id": assignment.tariff_id,
            "assigned_at": now,
            "assigned_by": actor,
        }
        keys = ["target_kind", "target_id", "evse_id"]
        if assignment.customer_group is not None:
            values["customer_group"] = assignment.customer_group.value
            keys.append("customer_group")
            self._conn.execute(upsert(self._conn, tariff_group_assignments, keys, values))
            return
        self._conn.execute(upsert(self._conn, tariff_assignments, keys, values))

    def applying(
        self, station_id: str, evse_id: int | None, group: CustomerGroup | None = None
    ) -> AppliedTariff | None:
        """The current version of the most specific tariff assigned to the EVSE, the station
        or the station's site (for the customer group, else for none)."""
        site_id = select(stations.c.site_id).where(stations.c.id == station_id).scalar_subquery()
        selects = []
        for a in [tariff_assignments] + ([tariff_group_assignments] if group else []):
            grouped = a is tariff_group_assignments
            where = [
                or_(
                    and_(a.c.target_kind.in_(("station", "evse")), a.c.target_id == station_id),
                    and_(a.c.target_kind == "site", a.c.target_id == site_id),
                )
            ]
            if grouped:
                where.append(a.c.customer_group == str(group))
            selects.append(
                select(a.c.target_kind, a.c.target_id, a.c.evse_id, a.c.tariff_id,
                       tariffs.c.current_version, literal(grouped).label("grouped"))
                .join(tariffs, tariffs.c.id == a.c.tariff_id)
                .where(*where)
            )  # fmt: skip
        # One round trip: the group-less assignments and the session's group's.
        rows = self._conn.execute(union_all(*selects) if len(selects) > 1 else selects[0]).all()
        candidates = [
            Assignment(TargetKind(r[0]), r[1], r[2], TariffId(r[3]), group if r[5] else None)
            for r in rows
        ]
        versions = {r[3]: int(r[4]) for r in rows}
        chosen = most_specific(candidates, evse_id, group)
        if chosen is None:
            return None
        return AppliedTariff(chosen.tariff_id, versions[chosen.tariff_id], chosen.kind)

    def pinned(self, session_id: int) -> tuple[TariffId, int] | None:
        """The tariff id and version the session is priced with, if one applied at its start."""
        row = self._conn.execute(
            select(sessions.c.tariff_id, sessions.c.tariff_version).where(
                sessions.c.id == session_id
            )
        ).first()
        if row is None or row[0] is None:
            return None
        return TariffId(row[0]), int(row[1])

    def pin(
        self,
        session_id: int,
        station_id: str,
        evse_id: int | None,
        group: CustomerGroup | None = None,
    ) -> None:
        """Record on the session the tariff version that applies as it starts (for its
        customer group)."""
        applied = self.applying(station_id, evse_id, group)
        if applied is not None:
            self._conn.execute(
                update(sessions)
                .where(sessions.c.id == session_id)
                .values(tariff_id=applied.tariff_id, tariff_version=applied.version)
            )


def _version(m: Any) -> TariffVersion:
    return TariffVersion(
        tariff_id=TariffId(m["tariff_id"]),
        name=m["name"],
        version=int(m["version"]),
        tariff=tariff_from_json(m["body"]),
        created_at=m["created_at"],
        created_by=m["created_by"],
        current_version=int(m["current_version"]),
    )
