"""The `laddnet` command line as an operator uses it: real processes, a real database file.

Errors an operator can cause are one `laddnet: error: ...` line on stderr and exit status 1,
never a traceback.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from laddnet.cli import _parser
from tests.e2e.conftest import PASSWORD, Laddnet, Servers, finish, one_line_error

COMMANDS = [
    [],
    ["migrate"],
    ["serve"],
    ["demo"],
    ["station"],
    ["station", "add"],
    ["station", "set-password"],
    ["station", "import"],
    ["station", "list"],
    ["station", "history"],
    ["site"],
    ["site", "add"],
    ["site", "list"],
    ["site", "allowed-networks"],
    ["station", "networks"],
    ["firmware"],
    ["firmware", "inventory"],
    ["firmware", "vulnerable"],
    ["firmware", "versions"],
    ["firmware", "mark-vulnerable"],
    ["firmware", "unmark"],
    ["station", "reset"],
    ["station", "unlock-connector"],
    ["station", "change-availability"],
    ["station", "remote-start"],
    ["station", "remote-stop"],
    ["station", "trigger-message"],
    ["station", "clear-cache"],
    ["station", "get-configuration"],
    ["station", "set-configuration"],
    ["station", "data-transfer"],
    ["station", "update-firmware"],
    ["station", "get-log"],
    ["station", "reserve-now"],
    ["station", "cancel-reservation"],
    ["station", "send-local-list"],
    ["station", "customer-information"],
    ["station", "customer-report"],
    ["station", "get-transaction-status"],
    ["station", "get-local-list-version"],
    ["station", "commands"],
    ["station", "maintenance"],
    ["alert"],
    ["alert", "list"],
    ["alert", "close"],
    ["ticket"],
    ["ticket", "list"],
    ["ticket", "show"],
    ["ticket", "assign"],
    ["ticket", "resolve"],
    ["report"],
    ["report", "uptime"],
    ["report", "repair-times"],
    ["notify"],
    ["notify", "add"],
    ["notify", "list"],
    ["notify", "failures"],
    ["station", "health"],
    ["token"],
    ["token", "add"],
    ["apikey"],
    ["apikey", "create"],
    ["apikey", "list"],
    ["apikey", "revoke"],
    ["user"],
    ["user", "add"],
    ["user", "list"],
    ["user", "disable"],
    ["user", "enable"],
    ["audit"],
    ["audit", "verify"],
    ["audit", "anchor"],
    ["driver"],
    ["driver", "add"],
    ["driver", "list"],
    ["driver", "export"],
    ["driver", "erase"],
    ["driver", "login"],
    ["driver", "token"],
    ["driver", "token", "add"],
    ["driver", "token", "list"],
    ["driver", "token", "remove"],
    ["session"],
    ["session", "review"],
    ["session", "cdrs"],
    ["keys"],
    ["keys", "rotate"],
    ["simulate"],
    ["security"],
    ["security", "events"],
    ["tariff"],
    ["tariff", "add"],
    ["tariff", "list"],
    ["tariff", "show"],
    ["tariff", "assign"],
    ["tariff", "preview"],
    ["ledger"],
    ["ledger", "check"],
    ["ledger", "accounts"],
    ["report", "revenue"],
    ["station", "set"],
    ["station", "rotate-password"],
    ["station", "rotations"],
    ["station", "upgrade-profile"],
    ["station", "certificates"],
    ["station", "revoke-certificate"],
    ["station", "install-certificate"],
    ["station", "delete-certificate"],
    ["station", "get-installed-certificate-ids"],
    ["ca"],
    ["ca", "init"],
    ["ca", "crl"],
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


def test_help_cases_cover_every_command() -> None:
    def commands(parser: argparse.ArgumentParser, prefix: list[str]) -> list[list[str]]:
        found = [prefix]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found += commands(sub, [*prefix, name])
        return found

    assert sorted(commands(_parser(), [])) == sorted(COMMANDS)


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


def test_migrate_twice_is_idempotent(blank_laddnet: Laddnet) -> None:
    """An empty database: the first run migrates it, the second finds nothing to do."""
    assert "latest schema" in blank_laddnet.ok("migrate")
    assert "latest schema" in blank_laddnet.ok("migrate")


@pytest.mark.parametrize("password", ["x" * 15, "x" * 41], ids=["15-chars", "41-chars"])
def test_station_add_refuses_a_password_outside_16_to_40(laddnet: Laddnet, password: str) -> None:
    result = laddnet.run("station", "add", "CP-1", "--password", password)
    assert result.returncode == 1
    assert "16-40 characters" in one_line_error(result.stderr)
    assert result.stdout == ""


def test_station_add_and_set_password_refuse_a_password_without_variety(laddnet: Laddnet) -> None:
    weak = "a" * 16
    result = laddnet.run("station", "add", "CP-1", "--password", weak)
    assert result.returncode == 1
    assert "too little variety" in one_line_error(result.stderr)
    laddnet.ok("station", "add", "CP-1", "--password", PASSWORD)
    result = laddnet.run("station", "set-password", "CP-1", "--password", "abc" * 6)
    assert result.returncode == 1
    assert "too little variety" in one_line_error(result.stderr)
    assert weak not in result.stderr


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


def test_existing_station_is_refused_by_add_and_by_import_which_imports_nothing(
    laddnet: Laddnet, tmp_path: Path
) -> None:
    assert laddnet.ok("station", "add", "OLD-1", "--password", "pq7-old-station-1").strip() == (
        "station OLD-1 added"
    )
    again = laddnet.run("station", "add", "OLD-1", "--password", "q7-another-password-for-old-1")
    # The import's line 3 is well-formed; only the database knows it is bad. The file is
    # still all or nothing, and the error still says where.
    csv_file = tmp_path / "stations.csv"
    csv_file.write_text(f"id,password\nNEW-1,{PASSWORD}\nOLD-1,{PASSWORD}\nNEW-3,{PASSWORD}\n")
    imported = laddnet.run("station", "import", str(csv_file))
    listing = laddnet.ok("station", "list")

    assert again.returncode == 1
    assert "OLD-1 already exists" in one_line_error(again.stderr)
    assert _listed_ids(listing) == ["OLD-1"]
    assert imported.returncode == 1
    error = one_line_error(imported.stderr)
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
    await servers.start(laddnet)
    async with httpx.AsyncClient(base_url=laddnet.api_url, timeout=5) as http:
        keyed = await http.get("/api/v1/stations", headers={"Authorization": f"Bearer {key}"})
        anonymous = await http.get("/api/v1/stations")
        wrong = await http.get("/api/v1/stations", headers={"Authorization": f"Bearer {key}x"})
    assert keyed.status_code == 200, keyed.text
    assert keyed.json()["items"] == []
    assert anonymous.status_code == 401
    assert wrong.status_code == 401


class Failing(NamedTuple):
    args: list[str]
    env: dict[str, str]
    says: str  # what the one-line error must mention


TAKEN = "{taken port}"
# Commands that must fail with a one-line error. They need no state, so the module starts them
# all in the background when its first test runs (using the cores the sequential tests leave
# idle) and the tests below check the finished runs.
FAILING = {
    "unreachable-db/migrate": Failing(
        ["migrate"], {"LADDNET_DATABASE_URL": UNREACHABLE_DB}, "database"
    ),
    "unreachable-db/station-list": Failing(
        ["station", "list"], {"LADDNET_DATABASE_URL": UNREACHABLE_DB}, "database"
    ),
    "unreachable-db/serve": Failing(
        ["serve"], {"LADDNET_DATABASE_URL": UNREACHABLE_DB}, "database"
    ),
    "ocpp-port-not-a-number/serve": Failing(
        ["serve"], {"LADDNET_OCPP_PORT": "nine-thousand"}, "LADDNET_OCPP_PORT"
    ),
    "ocpp-port-out-of-range/serve": Failing(
        ["serve"], {"LADDNET_OCPP_PORT": "99999"}, "LADDNET_OCPP_PORT"
    ),
    "ocpp-port-in-use/serve": Failing(["serve"], {"LADDNET_OCPP_PORT": TAKEN}, TAKEN),
    "tls-cert-missing/serve": Failing(
        ["serve"],
        {"LADDNET_TLS_CERT": "/nonexistent/server.pem", "LADDNET_TLS_KEY": "/nonexistent/k"},
        "TLS files do not load (/nonexistent/server.pem",
    ),
}


class FailingRuns:
    """The FAILING commands, started at once; `result` waits for one of them."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, taken_port: int) -> None:
        self.taken_port = str(taken_port)
        self.procs: dict[str, subprocess.Popen[str]] = {}
        self.results: dict[str, subprocess.CompletedProcess[str]] = {}
        for name, case in FAILING.items():
            workdir = tmp_path_factory.mktemp("failing")
            laddnet = Laddnet(workdir, f"sqlite:///{workdir / 'x.db'}")
            env = {k: v.replace(TAKEN, self.taken_port) for k, v in case.env.items()}
            self.procs[name] = laddnet.spawn(*case.args, env=env)

    def result(self, name: str) -> subprocess.CompletedProcess[str]:
        if name not in self.results:
            self.results[name] = finish(self.procs[name])
        return self.results[name]

    def kill(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
            proc.communicate()


@pytest.fixture(scope="module", autouse=True)
def failing_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FailingRuns]:
    with socket.socket() as taken:  # held until the module ends: "address already in use"
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        runs = FailingRuns(tmp_path_factory, taken.getsockname()[1])
        try:
            yield runs
        finally:
            runs.kill()


@pytest.mark.parametrize("case", list(FAILING))
def test_operator_mistake_is_a_one_line_error(failing_runs: FailingRuns, case: str) -> None:
    result = failing_runs.result(case)
    assert result.returncode == 1
    says = FAILING[case].says.replace(TAKEN, failing_runs.taken_port)
    assert says in one_line_error(result.stderr)


def test_station_set_password_needs_an_existing_station_and_a_valid_password(
    laddnet: Laddnet,
) -> None:
    unknown = laddnet.run("station", "set-password", "NOPE-1", "--password", PASSWORD)
    laddnet.ok("station", "add", "CP-1", "--password", PASSWORD)
    short = laddnet.run("station", "set-password", "CP-1", "--password", "x" * 15)

    assert unknown.returncode == 1
    assert "NOPE-1 does not exist" in one_line_error(unknown.stderr)
    assert short.returncode == 1
    assert "16-40 characters" in one_line_error(short.stderr)
