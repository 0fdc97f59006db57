"""Station registration from the command line: credential rules, CSV import, the list table."""

from __future__ import annotations

import csv
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from laddnet.domain.errors import InvalidInput
from laddnet.domain.ids import StationId
from laddnet.domain.stations.model import Station
from laddnet.domain.stations.registration import (
    MAX_PASSWORD,
    MAX_STATION_ID,
    MIN_PASSWORD,
    check_password,
    check_station_id,
)

__all__ = [
    "MAX_PASSWORD",
    "MAX_STATION_ID",
    "MIN_PASSWORD",
    "StationRow",
    "check_credentials",
    "format_station_table",
    "read_station_csv",
]


def check_credentials(station_id: str, password: str, line: int | None) -> None:
    where = f"line {line}: " if line is not None else ""
    check_station_id(station_id, where)
    check_password(password, where)


@dataclass(frozen=True, slots=True)
class StationRow:
    station_id: StationId
    password: str
    line: int


def read_station_csv(path: str) -> list[StationRow]:
    """Read `id,password[,...]` rows; any bad row fails the whole file with its line number."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    columns = reader.fieldnames or []
    if "id" not in columns or "password" not in columns:
        raise InvalidInput(f"{path}: the header must name the columns id and password")
    rows: list[StationRow] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        station_id = (row.get("id") or "").strip()
        password = (row.get("password") or "").strip()
        check_credentials(station_id, password, line)
        if station_id in seen:
            raise InvalidInput(f"line {line}: station {station_id} appears twice")
        seen.add(station_id)
        rows.append(StationRow(StationId(station_id), password, line))
    if not rows:
        raise InvalidInput(f"{path}: no stations in the file")
    return rows


def format_station_table(stations: Sequence[Station], in_maintenance: Collection[str] = ()) -> str:
    """One line per station; SERVICE is its service status (docs/api/maintenance.md)."""
    from laddnet.domain.maintenance.service_status import STATION_LEVEL, assess

    header = (
        f"{'STATION':<24} {'ONLINE':<7} {'OCPP':<6} {'STATE':<12} {'SERVICE':<18} "
        f"{'LAST SEEN':<26} CONNECTORS"
    )
    lines = [header]
    for s in stations:
        service = assess(s, in_maintenance=s.id in in_maintenance)[STATION_LEVEL].status
        seen = s.last_seen_at.isoformat(timespec="seconds") if s.last_seen_at else "-"
        connectors = " ".join(
            f"{c.evse_id}/{c.connector_id}:{c.state.status.value}" for c in s.connectors
        )
        state = s.availability.status.value if s.availability else "-"
        lines.append(
            f"{s.id:<24} {'yes' if s.connected else 'no':<7} {s.ocpp_version or '-':<6} "
            f"{state:<12} {service.value:<18} {seen:<26} {connectors or '-'}"
        )
    return "\n".join(lines)
