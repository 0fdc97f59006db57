"""Passwords Laddnet draws for stations from the command line (`station add
--generate-password`, `station import --passwords-out`): shown or written once, stored as the
cheap hash of ADR 0009; passwords an operator chose stay argon2id."""

from __future__ import annotations

import csv
import sqlite3
import stat
from pathlib import Path

from tests.e2e.conftest import PASSWORD, Laddnet, one_line_error


def _hashes(laddnet: Laddnet) -> dict[str, str]:
    with sqlite3.connect(laddnet.workdir / "x.db") as db:
        return dict(db.execute("SELECT id, password_hash FROM stations").fetchall())


def test_import_draws_a_password_for_each_row_without_one_and_writes_them_once(
    laddnet: Laddnet, tmp_path: Path
) -> None:
    stations = tmp_path / "stations.csv"
    stations.write_text(f"id,password\nGEN-1,\nOWN-2,{PASSWORD}\nGEN-3,\n")
    out = tmp_path / "passwords.csv"

    printed = laddnet.ok("station", "import", str(stations), "--passwords-out", str(out))

    assert printed.splitlines() == [
        "3 stations imported",
        f"2 drawn passwords written to {out}",
    ]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(newline="") as file:
        drawn = {row["id"]: row["password"] for row in csv.DictReader(file)}
    assert sorted(drawn) == ["GEN-1", "GEN-3"]
    assert all(len(p) == 20 and p.isalnum() for p in drawn.values())
    assert drawn["GEN-1"] != drawn["GEN-3"]
    hashes = _hashes(laddnet)
    assert hashes["GEN-1"].startswith("$hmac-sha256$")
    assert hashes["GEN-3"].startswith("$hmac-sha256$")
    assert hashes["OWN-2"].startswith("$argon2id$")
    assert not any(p in h for p in drawn.values() for h in hashes.values())


def test_import_of_ids_only_needs_passwords_out(laddnet: Laddnet, tmp_path: Path) -> None:
    stations = tmp_path / "stations.csv"
    stations.write_text("id\nGEN-1\n")

    refused = laddnet.run("station", "import", str(stations))

    assert refused.returncode == 1
    assert "--passwords-out" in one_line_error(refused.stderr)
    assert _hashes(laddnet) == {}


def test_import_never_overwrites_a_passwords_file_and_imports_nothing(
    laddnet: Laddnet, tmp_path: Path
) -> None:
    stations = tmp_path / "stations.csv"
    stations.write_text("id\nGEN-1\n")
    out = tmp_path / "passwords.csv"
    out.write_text("earlier drawn passwords\n")

    refused = laddnet.run("station", "import", str(stations), "--passwords-out", str(out))

    assert refused.returncode == 1
    assert "exists" in one_line_error(refused.stderr)
    assert out.read_text() == "earlier drawn passwords\n"
    assert _hashes(laddnet) == {}


def test_failed_import_leaves_no_passwords_file(laddnet: Laddnet, tmp_path: Path) -> None:
    laddnet.ok("station", "add", "OLD-1", "--password", PASSWORD)
    stations = tmp_path / "stations.csv"
    stations.write_text("id\nGEN-1\nOLD-1\n")
    out = tmp_path / "passwords.csv"

    refused = laddnet.run("station", "import", str(stations), "--passwords-out", str(out))

    assert refused.returncode == 1
    assert "OLD-1 already exists" in one_line_error(refused.stderr)
    assert not out.exists()
    assert sorted(_hashes(laddnet)) == ["OLD-1"]


def test_station_add_generate_password_prints_it_once(laddnet: Laddnet) -> None:
    printed = laddnet.ok("station", "add", "GEN-1", "--generate-password").splitlines()

    assert printed[0] == "station GEN-1 added"
    prefix = "its password (shown only now): "
    assert printed[1].startswith(prefix)
    assert len(printed[1].removeprefix(prefix)) == 20
    assert _hashes(laddnet)["GEN-1"].startswith("$hmac-sha256$")


def test_station_add_refuses_a_password_and_generate_password_together(laddnet: Laddnet) -> None:
    refused = laddnet.run("station", "add", "GEN-1", "--password", PASSWORD, "--generate-password")

    assert refused.returncode == 2  # argparse: mutually exclusive options
    assert "not allowed with" in refused.stderr
    assert _hashes(laddnet) == {}
