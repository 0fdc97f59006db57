"""Station registration from the command line: credential rules, CSV import, the list table."""

from __future__ import annotations

import csv
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

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
    "discard_passwords_out",
    "format_station_table",
    "open_passwords_out",
    "read_station_csv",
    "write_passwords",
]


def check_credentials(station_id: str, password: str, line: int | None) -> None:
    where = f"line {line}: " if line is not None else ""
    check_station_id(station_id, where)
    check_password(password, where)


@dataclass(frozen=True, slots=True)
class StationRow:
    station_id: StationId
    password: str | None  # None: Laddnet draws one
    line: int


def read_station_csv(path: str, *, drawing: bool = False) -> list[StationRow]:
    """Read `id,password[,...]` rows; any bad row fails the whole file with its line number.
    `drawing`: a row without a password (or a file without the column) gets one drawn."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    columns = reader.fieldnames or []
    if "id" not in columns or ("password" not in columns and not drawing):
        raise InvalidInput(
            f"{path}: the header must name the columns id and password (or give"
            " --passwords-out to have Laddnet draw the passwords)"
        )
    rows: list[StationRow] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        station_id = (row.get("id") or "").strip()
        password = (row.get("password") or "").strip() or None
        if password is None and drawing:
            check_station_id(station_id, f"line {line}: ")
        else:
            check_credentials(station_id, password or "", line)
        if station_id in seen:
            raise InvalidInput(f"line {line}: station {station_id} appears twice")
        seen.add(station_id)
        rows.append(StationRow(StationId(station_id), password, line))
    if not rows:
        raise InvalidInput(f"{path}: no stations in the file")
    return rows


def open_passwords_out(path: str) -> TextIO:
    """A new file only its owner may read (an existing one is never overwritten)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInput(f"{path} exists: drawn passwords go to a new file") from None
    except OSError as exc:
        raise InvalidInput(f"cannot create {path}: {exc.strerror}") from None
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def discard_passwords_out(out: TextIO, path: str) -> None:
    out.close()
    Path(path).unlink(missing_ok=True)


def write_passwords(out: TextIO, drawn: Mapping[StationId, str]) -> None:
    """Write `id,password` rows, sync them to disk and close the file."""
    with out:
        writer = csv.writer(out)
        writer.writerow(["id", "password"])
        writer.writerows(sorted(drawn.items()))
        out.flush()
        os.fsync(out.fileno())


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
