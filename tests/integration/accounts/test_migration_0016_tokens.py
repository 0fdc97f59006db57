"""Migration 0016 and the re-keying of drivers' tokens over a database from before id tokens
were folded: tokens in clear that are one token in different cases merge into the most
restrictive row, drivers' tokens move to the hash of the folded token (a second registration
of the same card in another case is removed, audited), and real stations are answered by it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from alembic import command
from sqlalchemy import insert, select, update

from laddnet.adapters.db.engine import alembic_config, migrate_sync
from laddnet.adapters.db.tables import id_tokens
from laddnet.bootstrap import Container
from tests.integration.ocpp.conftest import Running

CARD = "04A1B2C3D4E5F6"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def _driver(admin: httpx.AsyncClient, n: int) -> str:
    made = await admin.post("/api/v1/drivers", json={"name": f"D{n}", "email": f"d{n}@ex.se"})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _clear(value: str, *, blocked: bool = False, expires: datetime | None = None,
           owner: str | None = None, created: datetime = T0) -> dict[str, object]:  # fmt: skip
    return {"value": value, "blocked": blocked, "expires_at": expires, "owner": owner,
            "group_id": None, "created_at": created}  # fmt: skip


async def test_0016_merges_tokens_in_clear_and_reindex_rekeys_drivers_tokens(
    running: Running, admin: httpx.AsyncClient, container: Container
) -> None:
    first, second = await _driver(admin, 1), await _driver(admin, 2)
    for value in (CARD, "App-Z"):
        added = await admin.post(f"/api/v1/drivers/{first}/tokens", json={"value": value})
        assert added.status_code == 201, added.text
    cipher = await container.driver_tokens._keys.cipher()  # the same key ring

    def legacy(value: str) -> str:  # the key as 0012 computed it: the token as registered
        return "#" + cipher.blind_index("id_token", value)[:35]

    folded_card = "#" + cipher.blind_index("id_token", CARD.lower())[:35]
    with container.engine.begin() as conn:
        for value in (CARD, "App-Z"):
            conn.execute(
                update(id_tokens)
                .where(
                    id_tokens.c.value == "#" + cipher.blind_index("id_token", value.lower())[:35]
                )
                .values(value=legacy(value))
            )
    # The same card registered again, in lower case, by another driver (before 0016 it was allowed).
    await container.database.write(
        lambda uow: uow.tokens.add_for_driver(
            folded_card, second, cipher.encrypt("id_token", CARD.lower()), "rfid", T0
        )
    )

    def down_insert_up() -> None:
        with container.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0015")
            conn.execute(
                insert(id_tokens),
                [
                    _clear("AB12", blocked=True),
                    _clear(
                        "ab12",
                        expires=T0 + timedelta(days=9),
                        owner="Fleet",
                        created=T0 + timedelta(days=1),
                    ),
                    _clear("Ab12", expires=T0 + timedelta(days=5), created=T0 + timedelta(days=2)),
                    _clear("QQ-1"),
                    _clear("zz-9", owner="Z"),
                ],
            )
        migrate_sync(container.engine)

    await asyncio.to_thread(down_insert_up)
    with container.engine.connect() as conn:
        rows = conn.execute(
            select(id_tokens).where(id_tokens.c.driver_id.is_(None)).order_by(id_tokens.c.value)
        ).all()
    assert [(r.value, r.blocked, r.expires_at, r.owner, r.created_at) for r in rows] == [
        ("ab12", True, T0 + timedelta(days=5), "Fleet", T0),
        ("qq-1", False, None, None, T0),
        ("zz-9", False, None, "Z", T0),
    ]

    assert await container.driver_tokens.reindex() == (1, 1)  # App-Z moved, CARD a duplicate
    assert await container.driver_tokens.reindex() == (0, 0)
    with container.engine.connect() as conn:
        kept = conn.execute(
            select(id_tokens.c.value, id_tokens.c.driver_id).where(
                id_tokens.c.driver_id.is_not(None)
            )
        ).all()
    assert sorted(tuple(r) for r in kept) == sorted(
        [(folded_card, second), ("#" + cipher.blind_index("id_token", "app-z")[:35], first)]
    )
    rows_, _ = await container.audit.search(limit=50)
    removal = next(r for r in rows_ if r["action"] == "driver.token_removed")
    assert removal["target_id"] == first and removal["detail"]["kept"] == folded_card[1:]

    for station_id, version, info in (
        ("CP-1", "1.6", "idTagInfo"),
        ("CP-2", "2.0.1", "idTokenInfo"),
    ):
        station = running.station(station_id, version)
        await station.connect()
        await station.boot()
        got = [
            (await station.authorize(t))[info]["status"] for t in ("aB12", CARD, "APP-z", "Qq-1")
        ]
        await station.close()
        assert got == ["Blocked", "Accepted", "Accepted", "Accepted"], version
