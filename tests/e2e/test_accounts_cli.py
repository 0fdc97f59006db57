"""`laddnet user`, `laddnet apikey` and `laddnet audit verify` as an operator runs them."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, delete, select, update

from laddnet.adapters.db.tables import audit_chain, audit_log
from tests.e2e.conftest import Laddnet, laddnet_command, one_line_error

PASSWORD = "correct horse battery staple"


def with_stdin(laddnet: Laddnet, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*laddnet_command(), *args],
        env=laddnet.env,
        cwd=laddnet.workdir,
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_user_add_list_and_disable(laddnet: Laddnet) -> None:
    added = with_stdin(laddnet, PASSWORD + "\n", "user", "add", "Ada@Example.com", "--role",
                       "admin", "--password")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "account ada@example.com" in added.stdout and "role admin, every site" in added.stdout
    assert PASSWORD not in added.stdout
    laddnet.ok("site", "add", "North", "--time-zone", "UTC", "--id", "north")
    invited = laddnet.ok("user", "add", "bo@example.com", "--role", "support", "--site", "north")
    token = invited.strip().splitlines()[-1]
    assert len(token) >= 40 and "/api/v1/auth/setup" in invited
    listed = laddnet.ok("user", "list").splitlines()
    assert any(line.startswith("ada@example.com") and " active " in line for line in listed)
    assert any(line.startswith("bo@example.com") and "setup" in line and "north" in line
               for line in listed)  # fmt: skip
    assert laddnet.ok("user", "disable", "bo@example.com").startswith("account bo@example.com")
    assert any(
        line.startswith("bo@example.com") and "disabled" in line
        for line in laddnet.ok("user", "list").splitlines()
    )


def test_user_add_mistakes_are_one_line_errors(laddnet: Laddnet) -> None:
    weak = with_stdin(laddnet, "password1234\n", "user", "add", "a@example.com", "--role",
                      "viewer", "--password")  # fmt: skip
    assert weak.returncode == 1
    assert "common passwords" in one_line_error(weak.stderr)
    laddnet.ok("user", "add", "a@example.com", "--role", "viewer")
    twice = laddnet.run("user", "add", "A@example.com", "--role", "viewer")
    assert "exists already" in one_line_error(twice.stderr)
    nowhere = laddnet.run("user", "add", "b@example.com", "--role", "viewer", "--site", "x")
    assert "site 'x' does not exist" in one_line_error(nowhere.stderr)


def test_apikey_create_with_scope_and_expiry_list_and_revoke(laddnet: Laddnet) -> None:
    laddnet.ok("site", "add", "North", "--time-zone", "UTC", "--id", "north")
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    out = laddnet.ok("apikey", "create", "--role", "technician", "--site", "north",
                     "--expires", expires, "--label", "field laptop")  # fmt: skip
    key = out.strip().splitlines()[-1]
    assert key.startswith("ldn_")
    key_id = key.split("_")[1]
    listed = laddnet.ok("apikey", "list")
    assert key_id in listed and "technician" in listed and "north" in listed
    assert key.split("_", 2)[2] not in listed
    assert laddnet.ok("apikey", "revoke", key_id).strip() == f"API key {key_id} revoked"
    assert "revoked" in laddnet.ok("apikey", "list")


def test_audit_verify_finds_a_tampered_and_a_deleted_entry(laddnet: Laddnet) -> None:
    for n in range(4):
        laddnet.ok("site", "add", f"Site {n}", "--time-zone", "UTC", "--id", f"s{n}")
    intact = laddnet.run("audit", "verify")
    assert intact.returncode == 0
    assert intact.stdout.startswith("audit log intact: 4 entries")
    engine = create_engine(laddnet.database_url)
    try:
        with engine.begin() as conn:
            ids = [r.id for r in conn.execute(select(audit_log.c.id).order_by(audit_log.c.id))]
            conn.execute(
                update(audit_log).where(audit_log.c.id == ids[2]).values(actor="someone-else")
            )
        tampered = laddnet.run("audit", "verify")
        assert tampered.returncode == 1
        assert f"BROKEN at entry {ids[2]}" in tampered.stderr
        assert "content does not match" in tampered.stderr
        with engine.begin() as conn:
            conn.execute(update(audit_log).where(audit_log.c.id == ids[2]).values(actor="cli"))
        assert laddnet.run("audit", "verify").returncode == 0
        with engine.begin() as conn:
            conn.execute(delete(audit_log).where(audit_log.c.id == ids[1]))
        deleted = laddnet.run("audit", "verify")
        assert deleted.returncode == 1
        assert f"BROKEN at entry {ids[2]}" in deleted.stderr
    finally:
        engine.dispose()


def test_audit_anchor_then_verify_finds_a_truncated_log(laddnet: Laddnet) -> None:
    for n in range(3):
        laddnet.ok("site", "add", f"Site {n}", "--time-zone", "UTC", "--id", f"s{n}")
    anchor_file = laddnet.workdir / "audit.anchor"
    env = {"LADDNET_AUDIT_ANCHOR": str(anchor_file)}
    unset = laddnet.run("audit", "anchor")
    assert unset.returncode != 0 and "LADDNET_AUDIT_ANCHOR" in unset.stderr
    anchored = laddnet.run("audit", "anchor", env=env)
    assert anchored.returncode == 0 and anchored.stdout.startswith("anchored 3 entries")
    engine = create_engine(laddnet.database_url)
    try:
        with engine.begin() as conn:
            rows = list(conn.execute(select(audit_log.c.id, audit_log.c.hash)
                                     .order_by(audit_log.c.id)))  # fmt: skip
            conn.execute(delete(audit_log).where(audit_log.c.id == rows[-1].id))
            conn.execute(update(audit_chain).values(last_hash=rows[-2].hash, entries=2))
    finally:
        engine.dispose()
    assert laddnet.run("audit", "verify").returncode == 0  # the database alone looks intact
    truncated = laddnet.run("audit", "verify", env=env)
    assert truncated.returncode == 1 and "removed from its end" in truncated.stderr


def test_driver_add_list_export_erase_with_the_development_key_file(laddnet: Laddnet) -> None:
    out = laddnet.ok("driver", "add", "Anna Öberg", "--email", "Anna@Example.se",
                     "--phone", "+46 70 123 45 67", "--language", "sv")  # fmt: skip
    driver_id = out.split()[1]
    key_file = laddnet.workdir / "laddnet-master.key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    listed = laddnet.ok("driver", "list")
    assert "Anna Öberg" in listed and "anna@example.se" in listed
    exported = laddnet.ok("driver", "export", driver_id)
    assert '"phone": "+46 70 123 45 67"' in exported
    raw = b"".join(p.read_bytes() for p in laddnet.workdir.glob("x.db*"))
    assert raw
    assert b"anna@example.se" not in raw and "Öberg".encode() not in raw
    rotated = laddnet.ok("keys", "rotate")
    assert rotated.strip() == "data key data-2 now encrypts; 1 drivers encrypted again"
    new_key = laddnet.workdir / "new.key"
    new_key.write_text("fedcba9876543210" * 4)
    assert "3 keys wrapped" in laddnet.ok("keys", "rotate", "--new-master-key-file", str(new_key))
    moved = laddnet.run("driver", "list", env={"LADDNET_MASTER_KEY_FILE": str(new_key)})
    assert "Anna Öberg" in moved.stdout, moved.stderr
    assert (
        "erased"
        in laddnet.run(
            "driver", "erase", driver_id, env={"LADDNET_MASTER_KEY_FILE": str(new_key)}
        ).stdout
    )
    old_key = laddnet.run("driver", "list")  # the development key file opens nothing now
    assert "master key does not open" in one_line_error(old_key.stderr)
    env = {"LADDNET_MASTER_KEY_FILE": str(new_key)}
    assert laddnet.run("driver", "list", env=env).stdout.strip().endswith("0 drivers")
    gone = laddnet.run("driver", "export", driver_id, env=env)
    assert "not found" in one_line_error(gone.stderr)
