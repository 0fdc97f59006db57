"""The demo's administrator: a fresh password each run, logged in and enrolled in two-factor
through the API; the printed secret logs in again."""

from __future__ import annotations

import re

import httpx
import pyotp

from laddnet.bootstrap import Container
from laddnet.demo_accounts import (
    DEMO_ADMIN,
    DEMO_DRIVER,
    DEMO_DRIVER_CARD,
    login_and_enrol,
    seed_admin,
    seed_driver,
    seed_driver_login,
)
from tests.integration.accounts.conftest import People


async def test_the_demo_admin_logs_in_with_two_factor_each_run(
    container: Container, base_url: str, people: People
) -> None:
    first = await seed_admin(container, "demo")
    shown = await login_and_enrol(base_url, first)
    assert DEMO_ADMIN in shown and first in shown and "role admin" in shown
    secret = re.search(r"secret ([A-Z2-7]+)", shown)
    assert secret is not None
    account = await container.accounts.find(DEMO_ADMIN)
    assert account.totp_enabled

    second = await seed_admin(container, "demo")  # the next run
    assert second != first
    _, old = await people.login(DEMO_ADMIN, first)
    assert old.status_code == 401
    shown = await login_and_enrol(base_url, second)
    secret = re.search(r"secret ([A-Z2-7]+)", shown)
    assert secret is not None
    person, response = await people.login(DEMO_ADMIN, second)
    assert response.json()["status"] == "mfa_required"
    # login_and_enrol confirmed with the wall clock's code, which may already be a step past
    # this test's clock: two steps on, this code cannot be that one again (a replay).
    people.clock.advance(seconds=60)
    code = pyotp.TOTP(secret.group(1)).at(people.clock.now())
    done = await person.http.post(
        "/api/v1/auth/mfa", json={"challenge": response.json()["challenge"], "code": code}
    )
    assert done.status_code == 200, done.text


async def test_the_demo_driver_is_seeded_once(container: Container) -> None:
    first = await seed_driver(container, "demo")
    assert await seed_driver(container, "demo") == first
    driver = await container.drivers.get(first)
    assert driver.details.email == "driver@demo.laddnet.local"
    tokens = await container.driver_tokens.list(first)
    assert [t.value for t in tokens] == [DEMO_DRIVER_CARD]
    assert (await container.authorization.authorize(DEMO_DRIVER_CARD)).status == "Accepted"


LOGIN = "/api/v1/driver-auth/login"


async def test_the_demo_driver_logs_in_with_the_password_printed(
    container: Container, base_url: str
) -> None:
    driver_id = await seed_driver(container, "demo")
    first = await seed_driver_login(container, driver_id, "demo")
    second = await seed_driver_login(container, driver_id, "demo")  # a new one each run
    assert first != second
    async with httpx.AsyncClient(base_url=base_url) as http:
        email = DEMO_DRIVER.email
        old = await http.post(LOGIN, json={"email": email, "password": first})
        assert old.status_code == 401
        login = await http.post(LOGIN, json={"email": email, "password": second})
        assert login.status_code == 200, login.text
        me = await http.get("/api/v1/driver/me")
        assert me.status_code == 200 and me.json()["id"] == driver_id
