"""Tariffs, their versions and where they apply."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Connection, func, select, update

from laddnet.adapters.db.hot_sql import HotSql
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
_PINNED = ("tariff_id", "tariff_version")


class SqlTariffRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

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
        # Every session start asks this: a statement text built once, not through Core.
        params: list[str] = [station_id, station_id]
        if group is not None:
            params += [station_id, station_id, str(group)]
        rows = self._hot.fetch_all(_applying_sql(group is not None, self._hot.qmark), params)
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
        found = self._hot.select(sessions, _PINNED, "WHERE id = ?", (session_id,))  # every CDR
        if not found or found[0]["tariff_id"] is None:
            return None
        return TariffId(found[0]["tariff_id"]), int(found[0]["tariff_version"])

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
            values = {"tariff_id": applied.tariff_id, "tariff_version": applied.version}
            self._hot.update(sessions, values, {"id": session_id})


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


@cache
def _applying_sql(grouped: bool, qmark: bool) -> str:
    """The assignments to a station, its EVSEs and its site, and with `grouped` those for one
    customer group too (marked 1): parameters station id twice, then station id twice and the
    group. Built from the schema's names only; every value is a parameter."""
    mark = "?" if qmark else "%s"
    site = f"(SELECT site_id FROM {stations.name} WHERE id = {mark})"  # noqa: S608

    def assigned(table: str, flag: int) -> str:
        return (
            f"SELECT a.target_kind, a.target_id, a.evse_id, a.tariff_id, t.current_version, {flag}"  # noqa: S608
            f" FROM {table} a JOIN {tariffs.name} t ON t.id = a.tariff_id"
            f" WHERE ((a.target_kind IN ('{TargetKind.STATION}', '{TargetKind.EVSE}')"
            f" AND a.target_id = {mark})"
            f" OR (a.target_kind = '{TargetKind.SITE}' AND a.target_id = {site}))"
        )

    sql = assigned(tariff_assignments.name, 0)
    if grouped:
        in_group = f"a.customer_group = {mark}"
        sql += f" UNION ALL {assigned(tariff_group_assignments.name, 1)} AND {in_group}"
    return sql
