"""The `laddnet` command line as an operator uses it: real processes, a real database file.

Errors an operator can cause are one `laddnet: error: ...` line on stderr and exit status 1,
never a traceback.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import PASSWORD, Laddnet, Servers, one_line_error

COMMANDS = [
    [],
    ["migrate"],
    ["serve"],
    ["demo"],
    ["station"],
    ["station", "add"],
    ["station", "import"],
    ["station", "list"],
    ["token"],
    ["token", "add"],
    ["apikey"],
    ["apikey", "create"],
    ["simulate"],
]
UNREACHABLE_DB = "postgresql://nobody@127.0.0.1:1/x"


def _listed_ids(list_output: str) -> list[str]:
    """Station ids from `laddnet station list` (first column, without header and total)."""
    rows = list_output.strip().splitlines()
    assert rows[0].startswith("STATION"), list_output
    return [row.split()[0] for row in rows[1:-1]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "laddnet")
def test_every_command_has_help(laddnet: Laddnet, command: list[str]) -> None:
    result = laddnet.run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: {' '.join(['laddnet', *command])}"), result.stdout
    assert result.stderr == ""


def test_importing_the_cli_loads_no_heavy_module() -> None:
    heavy = ("sqlalchemy", "fastapi", "websockets", "uvicorn", "ocpp")
    code = (
        "import sys, laddnet.cli; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stdout.strip() == "[]"


def test_migrate_twice_is_idempotent(laddnet: Laddnet) -> None:
    assert "latest schema" in laddnet.ok("migrate")
    assert "latest schema" in laddnet.ok("migrate")
    assert laddnet.ok("station", "list").strip().endswith("0 stations")


@pytest.mark.parametrize("password", ["x" * 15, "x" * 41], ids=["15-chars", "41-chars"])
def test_station_add_refuses_a_password_outside_16_to_40(laddnet: Laddnet, password: str) -> None:
    result = laddnet.run("station", "add", "CP-1", "--password", password)
    assert result.returncode == 1
    assert "16-40 characters" in one_line_error(result.stderr)
    assert result.stdout == ""


def test_station_added_twice_is_a_one_line_error(laddnet: Laddnet) -> None:
    assert laddnet.ok("station", "add", "CP-1", "--password", "p" * 16).strip() == (
        "station CP-1 added"
    )
    again = laddnet.run("station", "add", "CP-1", "--password", "q" * 40)
    assert again.returncode == 1
    assert "CP-1 already exists" in one_line_error(again.stderr)


def test_station_import_registers_every_row(laddnet: Laddnet, tmp_path: Path) -> None:
    csv_file = tmp_path / "stations.csv"
    csv_file.write_text(
        "id,password,site\n"
        f"IMP-1,{PASSWORD},north\n"
        f"IMP-2,{PASSWORD},north\n"
        f"IMP-3,{PASSWORD},south\n"
    )
    assert laddnet.ok("station", "import", str(csv_file)).strip() == "3 stations imported"
    listing = laddnet.ok("station", "list")
    assert _listed_ids(listing) == ["IMP-1", "IMP-2", "IMP-3"]
    assert listing.strip().endswith("3 stations")


def test_station_import_with_a_bad_line_3_imports_nothing(laddnet: Laddnet, tmp_path: Path) -> None:
    csv_file = tmp_path / "stations.csv"
    csv_file.write_text(
        f"id,password\nBAD-1,{PASSWORD}\nBAD-2,too-short\nBAD-3,{PASSWORD}\n",
    )
    result = laddnet.run("station", "import", str(csv_file))
    assert result.returncode == 1
    assert "line 3" in one_line_error(result.stderr)
    listing = laddnet.ok("station", "list")
    assert _listed_ids(listing) == []


def test_station_import_of_an_existing_station_on_line_3_imports_nothing(
    laddnet: Laddnet, tmp_path: Path
) -> None:
    # The row is well-formed; only the database knows it is bad. The file is still all or nothing.
    laddnet.ok("station", "add", "OLD-1", "--password", PASSWORD)
    csv_file = tmp_path / "stations.csv"
    csv_file.write_text(f"id,password\nNEW-1,{PASSWORD}\nOLD-1,{PASSWORD}\nNEW-3,{PASSWORD}\n")
    result = laddnet.run("station", "import", str(csv_file))
    listing = laddnet.ok("station", "list")
    assert _listed_ids(listing) == ["OLD-1"]
    assert result.returncode == 1
    error = one_line_error(result.stderr)
    assert "OLD-1" in error
    assert "line 3" in error


def test_token_expiry_without_time_zone_is_a_one_line_error(laddnet: Laddnet) -> None:
    result = laddnet.run("token", "add", "TAG-1", "--expires", "2027-12-31T23:59:59")
    assert result.returncode == 1
    assert "time zone" in one_line_error(result.stderr)


async def test_created_api_key_opens_the_api_of_a_running_server(
    laddnet: Laddnet, servers: Servers
) -> None:
    out = await laddnet.aok("apikey", "create", "--role", "admin", "--label", "e2e")
    key = out.strip().splitlines()[-1]
    assert key.startswith("ldn_"), out
    await laddnet.aok("station", "add", "CP-API", "--password", PASSWORD)
    await servers.start(laddnet)
    async with httpx.AsyncClient(base_url=laddnet.api_url, timeout=5) as http:
        keyed = await http.get("/api/v1/stations", headers={"Authorization": f"Bearer {key}"})
        anonymous = await http.get("/api/v1/stations")
        wrong = await http.get("/api/v1/stations", headers={"Authorization": f"Bearer {key}x"})
    assert keyed.status_code == 200, keyed.text
    assert [s["id"] for s in keyed.json()["items"]] == ["CP-API"]
    assert anonymous.status_code == 401
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    "command",
    [
        ["migrate"],
        ["station", "list"],
        ["station", "add", "CP-1", "--password", PASSWORD],
        ["token", "add", "TAG-1"],
        ["apikey", "create", "--role", "viewer"],
        ["serve"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_unreachable_database_is_a_one_line_error(laddnet: Laddnet, command: list[str]) -> None:
    result = laddnet.run(*command, env={"LADDNET_DATABASE_URL": UNREACHABLE_DB})
    assert result.returncode == 1
    assert "database" in one_line_error(result.stderr)


@pytest.mark.parametrize("command", [["station", "list"], ["serve"]], ids=" ".join)
def test_non_numeric_ocpp_port_is_a_one_line_error(laddnet: Laddnet, command: list[str]) -> None:
    result = laddnet.run(*command, env={"LADDNET_OCPP_PORT": "nine-thousand"})
    assert result.returncode == 1
    assert "LADDNET_OCPP_PORT" in one_line_error(result.stderr)


def test_out_of_range_ocpp_port_is_a_one_line_error(laddnet: Laddnet) -> None:
    result = laddnet.run("serve", env={"LADDNET_OCPP_PORT": "99999"})
    assert result.returncode == 1
    assert "LADDNET_OCPP_PORT" in one_line_error(result.stderr)


def test_ocpp_port_in_use_is_a_one_line_error(laddnet: Laddnet) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = laddnet.run("serve", env={"LADDNET_OCPP_PORT": str(port)})
    assert result.returncode == 1
    assert str(port) in one_line_error(result.stderr)

