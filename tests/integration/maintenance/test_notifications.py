"""Alerts and ticket changes by e-mail, through a real local SMTP server (aiosmtpd): to the
recipients of the site and severity, a site's many alerts in one message."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_string
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.integration.commands.helpers import eventually
from tests.integration.maintenance.conftest import Watched


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
        self.messages.append(
            (list(envelope.rcpt_tos), message_from_string(envelope.content.decode()))
        )
        return "250 OK"

    def to(self, address: str) -> list[Any]:
        return [m for rcpts, m in self.messages if address in rcpts]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def watched_settings(smtp: tuple[Inbox, int]) -> dict[str, Any]:
    smtp[0].messages.clear()
    return {
        "smtp_url": f"smtp://127.0.0.1:{smtp[1]}",
        "smtp_from": "alerts@laddnet.example",
        "notify_digest_seconds": 0.3,
    }


async def test_a_sites_outage_is_one_message_per_recipient(
    watched: Watched, smtp: tuple[Inbox, int]
) -> None:
    inbox = smtp[0]
    api = watched.live.api
    site = (await api.post("/api/v1/sites", json={"name": "Harbour", "time_zone": "UTC"})).json()
    other = (await api.post("/api/v1/sites", json={"name": "Depot", "time_zone": "UTC"})).json()
    for station_id in ("CP-1", "CP-2"):
        await api.patch(f"/api/v1/stations/{station_id}", json={"site_id": site["id"]})
    await api.patch("/api/v1/stations/CP-3", json={"site_id": other["id"]})
    recipients = [
        {"email": "harbour@example.com", "site_id": site["id"]},
        {"email": "boss@example.com", "min_severity": "critical"},
        {"email": "depot@example.com", "site_id": other["id"]},
        {"email": "desk@example.com", "site_id": site["id"], "min_severity": "info"},
    ]
    for body in recipients:
        answer = await api.post("/api/v1/notification-recipients", json=body)
        assert answer.status_code == 201, answer.text

    stations = [await watched.live.station(s, "1.6") for s in ("CP-1", "CP-2")]
    for station in stations:
        await station.close()
    await watched.becomes("CP-1", "offline")
    await watched.becomes("CP-2", "offline")
    watched.clock.shift += timedelta(minutes=11)
    await watched.tick()  # the power cut: both stations' alerts in one round

    async def delivered() -> bool:
        return bool(inbox.to("harbour@example.com")) and bool(inbox.to("boss@example.com"))

    await eventually(delivered)
    [harbour] = inbox.to("harbour@example.com")
    assert harbour["Subject"] == "Laddnet: 2 alerts opened at 2 stations"
    assert harbour["From"] == "alerts@laddnet.example"
    body = harbour.get_payload()
    assert "alert opened: CP-1 station_offline (critical)" in body
    assert "alert opened: CP-2 station_offline (critical)" in body
    assert len(inbox.to("boss@example.com")) == 1  # every site, critical: the same two
    assert inbox.to("depot@example.com") == []  # another site

    # The info recipient hears of the tickets too (in the same digest or the next).
    async def tickets_heard() -> bool:
        text = "".join(m.get_payload() for m in inbox.to("desk@example.com"))
        return "ticket" in text and "station_offline" in text

    await eventually(tickets_heard)
    assert all("ticket" not in m.get_payload() for m in inbox.to("harbour@example.com"))


async def test_recipients_api_roles_and_input(watched: Watched) -> None:
    api, viewer = watched.live.api, watched.live.viewer
    body = {"email": "ops@example.com"}
    assert (await viewer.post("/api/v1/notification-recipients", json=body)).status_code == 403
    added = await api.post("/api/v1/notification-recipients", json=body)
    assert added.status_code == 201 and added.json()["min_severity"] == "warning"
    bad = await api.post("/api/v1/notification-recipients", json={"email": "not an address"})
    assert bad.status_code == 422 and "email" in bad.text
    nosite = await api.post("/api/v1/notification-recipients", json={**body, "site_id": "x"})
    assert nosite.status_code == 404
    listed = (await viewer.get("/api/v1/notification-recipients")).json()
    assert [r["email"] for r in listed] == ["ops@example.com"]
    rid = added.json()["id"]
    assert (await viewer.delete(f"/api/v1/notification-recipients/{rid}")).status_code == 403
    assert (await api.delete(f"/api/v1/notification-recipients/{rid}")).status_code == 204
    assert (await api.delete(f"/api/v1/notification-recipients/{rid}")).status_code == 404


class Flaky(Inbox):
    """Refuses `bad@` for good at RCPT and the first message's DATA for now (451)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    async def handle_RCPT(  # noqa: N802
        self, server: object, session: object, envelope: Any, address: str, options: object
    ) -> str:
        if address.startswith("bad@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
        if self.refused == 0:
            self.refused += 1
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


async def test_a_refused_message_is_retried_and_a_permanent_failure_recorded(
    database_url: str,
) -> None:
    from tests.integration.commands.conftest import live_gateway
    from tests.integration.maintenance.conftest import MovableClock, watched_container

    flaky, port = Flaky(), _free_port()
    controller = Controller(flaky, hostname="127.0.0.1", port=port)
    controller.start()
    clock = MovableClock()
    container = watched_container(
        database_url,
        clock,
        smtp_url=f"smtp://127.0.0.1:{port}",
        smtp_from="alerts@laddnet.example",
        notify_digest_seconds=0.2,
    )
    try:
        async with live_gateway(container, configuration_read=True) as live:
            await container.events.start()
            await container.maintenance.start()
            for email in ("ops@example.com", "bad@example.com"):
                answer = await live.api.post(
                    "/api/v1/notification-recipients", json={"email": email}
                )
                assert answer.status_code == 201, answer.text
            station = await live.station("CP-1", "2.0.1")
            now = station.now().isoformat()
            await station.call(
                "SecurityEventNotification", {"type": "TamperDetectionActivated", "timestamp": now}
            )
            notifier = container.maintenance.notifier

            async def refused() -> bool:
                return flaky.refused == 1 and notifier.failed == 1

            await eventually(refused)
            assert flaky.to("ops@example.com") == []  # refused for now: not yet delivered
            failures = (await live.api.get("/api/v1/notification-recipients/failures")).json()
            assert [(f["email"], f["attempts"]) for f in failures] == [("bad@example.com", 1)]
            assert failures[0]["error"].startswith("550")
            viewer = await live.viewer.get("/api/v1/notification-recipients/failures")
            assert viewer.status_code == 200

            clock.shift += timedelta(seconds=31)  # the first retry is due after 30 s

            async def delivered() -> bool:
                return bool(flaky.to("ops@example.com"))

            await eventually(delivered)
            [mail] = flaky.to("ops@example.com")
            assert "security_critical" in mail["Subject"]
            assert notifier.failed == 1  # the retry succeeded: nothing more failed
            await station.close()
    finally:
        controller.stop()
        await container.aclose()
