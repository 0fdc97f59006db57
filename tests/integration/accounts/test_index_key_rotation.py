"""Rotating the blind-index key (`POST /api/v1/keys/rotate-index`, `laddnet keys rotate
--index`): every driver's e-mail index and id-token key is computed again under a new key in
the background; while that runs, lookups try the new key, then the old; a process that loaded
the keys before the rotation finds everything afterwards too."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from laddnet.adapters.db.tables import crypto_keys, drivers, id_tokens
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.authorization.model import AuthorizationStatus
from laddnet.domain.drivers.model import DriverDetails
from laddnet.domain.drivers.tokens import TokenKind
from tests.integration.accounts.conftest import MASTER_KEY, MovableClock


async def _people(container: Container) -> list[str]:
    ids = []
    for n in range(3):
        driver = await container.drivers.create(
            DriverDetails(f"Driver {n}", f"d{n}@example.se", None, None, None), actor="cli"
        )
        await container.driver_tokens.add(
            driver.id, f"CARD-{n}", TokenKind.RFID, actor="cli", source=None
        )
        ids.append(driver.id)
    return ids


def _stored(container: Container) -> tuple[set[str], set[str], set[str]]:
    with container.engine.connect() as conn:
        emails = {r[0] for r in conn.execute(select(drivers.c.email_index))}
        keys = {r[0] for r in conn.execute(select(id_tokens.c.value))}
        index_keys = {
            r[0]
            for r in conn.execute(select(crypto_keys.c.id).where(crypto_keys.c.purpose == "index"))
        }
    return emails, keys, index_keys


async def _all_found(container: Container, ids: list[str]) -> None:
    for n, driver_id in enumerate(ids):
        found = await container.drivers.by_email(f"D{n}@example.se ")
        assert found is not None and found.id == driver_id
        decision = await container.authorization.authorize(f"CARD-{n}")
        assert decision.status is AuthorizationStatus.ACCEPTED, n
    assert await container.drivers.by_email("nobody@example.se") is None
    unknown = await container.authorization.authorize("CARD-X")
    assert unknown.status is not AuthorizationStatus.ACCEPTED


async def test_rotating_the_index_key_recomputes_every_index_and_lookups_go_on(
    admin: httpx.AsyncClient, container: Container, database_url: str, clock: MovableClock
) -> None:
    ids = await _people(container)
    # Another process, with the keys loaded before the rotation.
    other = build(Settings(database_url=database_url, master_key=MASTER_KEY), clock=clock)
    try:
        await _all_found(other, ids)
        emails_before, keys_before, index_keys = _stored(container)
        assert index_keys == {"index-1"}

        # Half-way: a new key indexes, nothing recomputed yet; lookups try new, then old.
        await container.drivers._keys.rotate_index_key()
        await _all_found(container, ids)
        await container.drivers.reindex()  # the e-mails done, the tokens not yet
        await _all_found(container, ids)
        dup = await admin.post("/api/v1/drivers", json={"name": "Copy", "email": "d1@example.se"})
        assert dup.status_code == 409  # found under the new key
        token_dup = await admin.post(f"/api/v1/drivers/{ids[0]}/tokens", json={"value": "CARD-2"})
        assert token_dup.status_code == 409  # found under the old key

        rotated = await admin.post("/api/v1/keys/rotate-index")
        assert rotated.status_code == 200, rotated.text
        body = rotated.json()
        assert body["index_key"] == "index-3" and body["drivers_reindexed"] == 3
        assert body["tokens_reindexed"] == 3
        emails_after, keys_after, index_keys = _stored(container)
        assert index_keys == {"index-3"}  # the old keys are gone
        assert not emails_after & emails_before and not keys_after & keys_before
        assert all(k.startswith("#") and len(k) == 36 for k in keys_after)
        await _all_found(container, ids)
        clock.advance(seconds=2)  # a process reads the keys again on a miss, once a second
        await _all_found(other, ids)
        listed = (await admin.get(f"/api/v1/drivers/{ids[0]}/tokens")).json()
        assert [t["value"] for t in listed] == ["CARD-0"]
        assert listed[0]["id"] == next(k for k in keys_after if k[1:] == listed[0]["id"])[1:]
    finally:
        await other.aclose()
    rows, _ = await container.audit.search(action="keys.index_key_rotated")
    assert rows[0]["detail"] == {"drivers": 3, "tokens": 3, "retired": 2}
    assert "CARD" not in str(rows) and "example.se" not in str(rows)


async def test_rotating_the_index_key_needs_step_up_rights(
    container: Container, base_url: str
) -> None:
    key = await container.api_keys.create("operator")
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}
    ) as http:
        assert (await http.post("/api/v1/keys/rotate-index")).status_code == 403
