"""Accounts through the real HTTP API: a server on an ephemeral port over a container whose
clock the test moves (session timeouts, lockouts, TOTP steps), and helpers that log people in
with real cookies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pyotp
import pytest

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.ocpp.server import Gateway
from tests.integration.api.conftest import serving_api
from tests.integration.ocpp.conftest import Running

PASSWORD = "correct horse battery staple"
MASTER_KEY = "0123456789abcdef" * 4  # hex; a test key, never a real one


class MovableClock:
    def __init__(self) -> None:
        self._now = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def container(database_url: str, clock: MovableClock) -> AsyncIterator[Container]:
    c = build(Settings(database_url=database_url, master_key=MASTER_KEY), clock=clock)
    try:
        yield c
    finally:
        await c.aclose()


@pytest.fixture
async def base_url(container: Container) -> AsyncIterator[str]:
    async with serving_api(container) as url:
        yield url


@dataclass
class Person:
    """A logged-in account: its client carries the session cookie and the CSRF header."""

    email: str
    http: httpx.AsyncClient
    secret: str | None = None
    recovery: list[str] = field(default_factory=list)
    user_id: str = ""

    def code(self, clock: MovableClock, steps: int = 0) -> str:
        assert self.secret is not None
        return pyotp.TOTP(self.secret).at(clock.now() + timedelta(seconds=30 * steps))


@pytest.fixture
async def people(container: Container, base_url: str, clock: MovableClock) -> AsyncIterator[People]:
    made = People(container, base_url, clock)
    try:
        yield made
    finally:
        for person in made.clients:
            await person.aclose()


class People:
    def __init__(self, container: Container, base_url: str, clock: MovableClock) -> None:
        self.container = container
        self.base_url = base_url
        self.clock = clock
        self.clients: list[httpx.AsyncClient] = []

    def client(self) -> httpx.AsyncClient:
        http = httpx.AsyncClient(base_url=self.base_url, timeout=15)
        self.clients.append(http)
        return http

    async def add(self, email: str, role: str = "admin", sites: list[str] | None = None) -> str:
        account, _token = await self.container.accounts.add_user(
            email, role, sites, PASSWORD, actor="cli"
        )
        return account.id

    async def login(self, email: str, password: str = PASSWORD) -> tuple[Person, httpx.Response]:
        http = self.client()
        response = await http.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        person = Person(email, http)
        if response.status_code == 200 and response.json().get("csrf_token"):
            http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
            person.user_id = response.json()["user"]["id"]
        return person, response

    async def enrolled(
        self, email: str, role: str = "admin", sites: list[str] | None = None
    ) -> Person:
        """A new account, logged in, with TOTP enrolled (so its second factor is fresh)."""
        await self.add(email, role, sites)
        person, response = await self.login(email)
        assert response.json()["status"] == "mfa_enrolment_required", response.text
        enrolment = (await person.http.post("/api/v1/me/mfa/totp")).json()
        person.secret = enrolment["secret"]
        confirm = await person.http.post(
            "/api/v1/me/mfa/totp/confirm", json={"code": person.code(self.clock)}
        )
        assert confirm.status_code == 200, confirm.text
        person.recovery = confirm.json()["recovery_codes"]
        return person


@pytest.fixture
async def admin(container: Container, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with an admin API key."""
    key = await container.api_keys.create("admin")
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=15
    ) as http:
        yield http


@pytest.fixture
async def running(container: Container) -> AsyncIterator[Running]:
    """A gateway on an ephemeral port with stations CP-1 and CP-2 registered."""
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        running = Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
        await running.add("CP-1", "CP-2")
        yield running
    finally:
        await gateway.stop()
