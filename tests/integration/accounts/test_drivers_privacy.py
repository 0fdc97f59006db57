"""Drivers' personal data: encrypted field by field (the database holds none of it in clear),
found by e-mail through a blind index, exported with a fresh second factor and erased, each
audited without the data; a development install creates its master key file (mode 0600)."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from laddnet.adapters.db.tables import drivers, metadata
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.drivers.model import DriverDetails
from laddnet.domain.errors import WrongMasterKey
from tests.integration.accounts.conftest import MASTER_KEY, MovableClock, People

ANNA = {
    "name": "Anna Lindqvist-Øberg",
    "email": "Anna.Lindqvist@example.se",
    "phone": "+46 70 123 45 67",
    "address": "Storgatan 12, 111 22 Stockholm",
    "language": "sv",
}
PERSONAL = [ANNA["name"], "anna.lindqvist@example.se", ANNA["phone"], ANNA["address"]]
CARD = "04A1B2C3D4E5F6"  # Anna's RFID card: a token that identifies her


def everything_stored(container: Container) -> str:
    """Every row of every table, as text (what a copy of the database would show)."""
    with container.engine.connect() as conn:
        return "\n".join(
            str(tuple(row))
            for table in metadata.sorted_tables
            for row in conn.execute(select(table))
        )


async def test_personal_data_is_never_stored_in_clear(
    container: Container, base_url: str, database_url: str
) -> None:
    key = await container.api_keys.create("admin")
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}
    ) as http:
        created = await http.post("/api/v1/drivers", json=ANNA)
        assert created.status_code == 201, created.text
        driver_id = created.json()["id"]
        read = (await http.get(f"/api/v1/drivers/{driver_id}")).json()
        assert read["email"] == "anna.lindqvist@example.se" and read["name"] == ANNA["name"]
        patched = await http.patch(f"/api/v1/drivers/{driver_id}", json={"phone": "+46 8 555 000"})
        assert patched.json()["phone"] == "+46 8 555 000"
        token = await http.post(f"/api/v1/drivers/{driver_id}/tokens", json={"value": CARD})
        assert token.status_code == 201, token.text
        exported = await http.get(f"/api/v1/drivers/{driver_id}/export")
        assert exported.json()["address"] == ANNA["address"]
        assert exported.json()["id_tokens"][0]["value"] == CARD
    stored = everything_stored(container)
    leaked = [value for value in [*PERSONAL, CARD, "+46 8 555 000"] if value in stored]
    assert leaked == []
    with container.engine.connect() as conn:
        row = conn.execute(select(drivers)).one()
    assert row.name_enc.startswith("v1.data-1.") and row.email_index
    if database_url.startswith("sqlite"):
        container.database.close()  # everything in the database file, none in the WAL
        path = Path(database_url.split(":///", 1)[1])
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert not [v for v in [*PERSONAL, CARD] if v.encode() in raw]


async def test_lookup_by_email_uses_the_blind_index(container: Container) -> None:
    made = await container.drivers.create(DriverDetails(**ANNA), actor="cli")
    found = await container.drivers.by_email("  ANNA.lindqvist@EXAMPLE.se ")
    assert found is not None and found.id == made.id
    assert await container.drivers.by_email("someone.else@example.se") is None
    twin = DriverDetails(**{**ANNA, "name": "Another Anna"})
    with pytest.raises(Exception, match="exists already"):
        await container.drivers.create(twin, actor="cli")


async def test_export_needs_step_up_and_erasure_leaves_an_anonymous_record(
    people: People, clock: MovableClock, container: Container
) -> None:
    support = await people.enrolled("support@example.com", "support")
    admin = await people.enrolled("admin@example.com", "admin")
    created = await support.http.post("/api/v1/drivers", json=ANNA)
    driver_id = created.json()["id"]
    denied = await support.http.get(f"/api/v1/drivers/{driver_id}/export")
    assert denied.status_code == 403  # support may not export
    clock.advance(minutes=6)
    stale = await admin.http.get(f"/api/v1/drivers/{driver_id}/export")
    assert stale.json()["error"]["code"] == "step_up_required"
    await admin.http.post("/api/v1/me/mfa/verify", json={"code": admin.code(clock)})
    exported = await admin.http.get(f"/api/v1/drivers/{driver_id}/export")
    assert exported.status_code == 200 and exported.json()["name"] == ANNA["name"]

    assert (await support.http.delete(f"/api/v1/drivers/{driver_id}")).status_code == 204
    assert (await admin.http.get(f"/api/v1/drivers/{driver_id}")).status_code == 404
    assert (await admin.http.get("/api/v1/drivers")).json()["total"] == 0
    with container.engine.connect() as conn:
        row = conn.execute(select(drivers)).one()
    assert row.erased_at is not None
    assert (row.name_enc, row.email_enc, row.email_index, row.phone_enc) == (None,) * 4
    rows, _ = await container.audit.search(limit=50)
    actions = {r["action"] for r in rows if r["target_id"] == driver_id}
    assert actions == {"driver.created", "driver.exported", "driver.erased"}
    assert not [v for v in PERSONAL if v in str(rows)]


async def test_a_development_install_creates_its_master_key_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    container = build(Settings(database_url=url))
    try:
        from laddnet.adapters.db.engine import migrate

        await migrate(container.engine)
        made = await container.drivers.create(DriverDetails("Bo"), actor="cli")
    finally:
        await container.aclose()
    key_file = tmp_path / "laddnet-master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = build(Settings(database_url=url))
    try:
        assert (await again.drivers.get(made.id)).details.name == "Bo"
    finally:
        await again.aclose()
    with again.engine.connect() as conn:
        assert conn.execute(text("select count(*) from crypto_keys")).scalar_one() == 2


async def test_rotating_the_data_key_reencrypts_while_another_process_keeps_reading(
    container: Container, database_url: str
) -> None:
    made = await container.drivers.create(DriverDetails(**ANNA), actor="cli")
    other = build(Settings(database_url=database_url, master_key=MASTER_KEY))  # a second node
    try:
        assert (await other.drivers.get(made.id)).details.name == ANNA["name"]  # keys loaded
        key_id, count = await container.drivers.rotate_data_key(actor="cli")
        assert (key_id, count) == ("data-2", 1)
        with container.engine.connect() as conn:
            row = conn.execute(select(drivers)).one()
        assert row.name_enc.startswith("v1.data-2.") and row.email_enc.startswith("v1.data-2.")
        # The other process meets a key it has not loaded, reads the keys again, and decrypts.
        assert (await other.drivers.get(made.id)).details.email == "anna.lindqvist@example.se"
        found = await other.drivers.by_email(ANNA["email"])
        assert found is not None and found.id == made.id  # the blind index did not change
    finally:
        await other.aclose()


async def test_a_new_master_key_wraps_the_keys_and_the_old_one_no_longer_opens_them(
    container: Container, database_url: str
) -> None:
    made = await container.drivers.create(DriverDetails(**ANNA), actor="cli")
    new_master = "fedcba9876543210" * 4
    assert await container.drivers.rotate_master_key(bytes.fromhex(new_master), actor="cli") == 2
    fresh = build(Settings(database_url=database_url, master_key=new_master))
    stale = build(Settings(database_url=database_url, master_key=MASTER_KEY))
    try:
        assert (await fresh.drivers.get(made.id)).details.phone == ANNA["phone"]
        with pytest.raises(WrongMasterKey):
            await stale.drivers.get(made.id)
    finally:
        await fresh.aclose()
        await stale.aclose()
    rows, _ = await container.audit.search(action="keys.master_key_rotated")
    assert len(rows) == 1
