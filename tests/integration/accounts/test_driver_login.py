"""Drivers' self-service login through the real HTTP API with real cookies: a password set
through a setup token or by an operator (same policy), login with the same throttling, the
driver's own cookie with CSRF and timeouts, optional TOTP without replay, and a driver sees
and changes only their own data; driver and operator sessions never open each other's routes."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pyotp
import pytest

from laddnet.bootstrap import Container
from laddnet.domain.pricing.cdr import Cdr
from tests.integration.accounts.conftest import PASSWORD, MovableClock, People
from tests.integration.accounts.test_role_table import call, secured_routes
from tests.integration.ocpp.conftest import Running
from tests.unit.domain.pricing.builders import a_session, a_tariff, component, element, priced

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
LOGIN = "/api/v1/driver-auth/login"
ME = "/api/v1/driver/me"


@dataclass
class Driver:
    id: str
    email: str
    http: httpx.AsyncClient


@pytest.fixture
async def clients(base_url: str) -> AsyncIterator[list[httpx.AsyncClient]]:
    made: list[httpx.AsyncClient] = []
    yield made
    for http in made:
        await http.aclose()


async def _driver(
    admin: httpx.AsyncClient, clients: list[httpx.AsyncClient], email: str, *tokens: str
) -> Driver:
    """A driver added by an operator, who sets a password through the setup token and logs in."""
    created = await admin.post("/api/v1/drivers", json={"name": "Bo Ek", "email": email})
    assert created.status_code == 201, created.text
    driver_id = created.json()["id"]
    for token in tokens:
        added = await admin.post(f"/api/v1/drivers/{driver_id}/tokens", json={"value": token})
        assert added.status_code == 201, added.text
    setup = await admin.post(f"/api/v1/drivers/{driver_id}/login-setup")
    assert setup.status_code == 200, setup.text
    http = httpx.AsyncClient(base_url=str(admin.base_url), timeout=15)
    clients.append(http)
    token = setup.json()["setup_token"]
    weak = await http.post("/api/v1/driver-auth/setup", json={"token": token, "password": "x" * 5})
    assert weak.status_code == 422  # the operators' password policy
    ok = await http.post("/api/v1/driver-auth/setup", json={"token": token, "password": PASSWORD})
    assert ok.status_code == 204, ok.text
    again = await http.post(
        "/api/v1/driver-auth/setup", json={"token": token, "password": PASSWORD}
    )
    assert again.status_code == 401  # spent
    login = await http.post(LOGIN, json={"email": email, "password": PASSWORD})
    assert login.status_code == 200 and login.json()["status"] == "ok", login.text
    http.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return Driver(driver_id, email, http)


async def test_a_driver_logs_in_with_a_cookie_and_changes_own_data_with_csrf(
    admin: httpx.AsyncClient, clients: list[httpx.AsyncClient], container: Container
) -> None:
    bo = await _driver(admin, clients, "bo@example.se", "CARD-BO")
    cookie = bo.http.cookies.get("laddnet_driver")
    assert cookie
    other = httpx.AsyncClient(base_url=str(admin.base_url))
    clients.append(other)
    login = await other.post(LOGIN, json={"email": "bo@example.se", "password": PASSWORD})
    header = login.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=strict" in header
    me = await bo.http.get(ME)
    assert me.status_code == 200
    assert me.json()["email"] == "bo@example.se" and me.json()["totp_enabled"] is False
    assert me.json()["csrf_token"] == bo.http.headers["X-CSRF-Token"]

    csrf = bo.http.headers.pop("X-CSRF-Token")
    assert (await bo.http.patch(ME, json={"phone": "+46701234567"})).status_code == 403
    bo.http.headers["X-CSRF-Token"] = "0" * 64
    assert (await bo.http.patch(ME, json={"phone": "+46701234567"})).status_code == 403
    bo.http.headers["X-CSRF-Token"] = csrf
    changed = await bo.http.patch(ME, json={"phone": "+46701234567", "language": "sv"})
    assert changed.status_code == 200 and changed.json()["phone"] == "+46701234567"
    assert (await bo.http.patch(ME, json={"email": "evil@example.se"})).status_code == 422
    assert (await admin.get(f"/api/v1/drivers/{bo.id}")).json()["language"] == "sv"
    assert [t["value"] for t in (await bo.http.get(f"{ME}/tokens")).json()] == ["CARD-BO"]
    exported = await bo.http.get(f"{ME}/export")
    assert exported.status_code == 200 and exported.json()["id"] == bo.id
    assert [t["value"] for t in exported.json()["id_tokens"]] == ["CARD-BO"]

    changed_pw = await bo.http.post(
        f"{ME}/password",
        json={"current_password": "wrong wrong wrong", "new_password": "another long passphrase"},
    )
    assert changed_pw.status_code == 422
    changed_pw = await bo.http.post(
        f"{ME}/password",
        json={"current_password": PASSWORD, "new_password": "another long passphrase"},
    )
    assert changed_pw.status_code == 204
    assert (await bo.http.get(ME)).status_code == 200  # this session stays
    logins = (await bo.http.get(f"{ME}/logins")).json()
    assert [s["current"] for s in logins] == [True]  # the other login ended
    assert (await bo.http.post("/api/v1/driver/logout")).status_code == 204
    assert (await bo.http.get(ME)).status_code == 401
    rows, _ = await container.audit.search(limit=100)
    actions = {r["action"] for r in rows if r["target_id"] == bo.id}
    assert {"driver.login", "driver.password_set", "driver.password_changed"} <= actions
    assert {"driver.updated", "driver.exported", "driver.logout"} <= actions
    assert not [r for r in rows if PASSWORD in str(r) or "+46701234567" in str(r)]


async def test_driver_and_operator_sessions_never_open_each_others_routes(
    admin: httpx.AsyncClient, clients: list[httpx.AsyncClient], people: People
) -> None:
    bo = await _driver(admin, clients, "bo@example.se")
    operator = await people.enrolled("ada@example.com", "admin")
    doc = (await admin.get("/openapi.json")).json()
    driver_routes = [r for r in secured_routes(doc) if r[1].startswith("/api/v1/driver/")]
    operator_routes = [r for r in secured_routes(doc) if not r[1].startswith("/api/v1/driver/")]
    assert len(driver_routes) >= 10 and len(operator_routes) > 50
    wrong = []
    for route in operator_routes:  # a driver's cookie (and CSRF header) opens none of them
        status = (await call(bo.http, *route)).status_code
        if status not in (401, 403):
            wrong.append(("driver", route, status))
    for route in driver_routes:  # neither does an admin's session nor an admin key
        for who, http in (("operator", operator.http), ("key", admin)):
            status = (await call(http, *route)).status_code
            if status != 401:
                wrong.append((who, route, status))
    assert wrong == []
    # Each kind's token under the other's cookie name is unknown there.
    swapped = httpx.AsyncClient(base_url=str(admin.base_url))
    clients.append(swapped)
    swapped.cookies.set("laddnet_session", bo.http.cookies["laddnet_driver"])
    assert (await swapped.get("/api/v1/me")).status_code == 401
    swapped.cookies.clear()
    swapped.cookies.set("laddnet_driver", operator.http.cookies["laddnet_session"])
    assert (await swapped.get(ME)).status_code == 401
    # An operator cannot log in as a driver with their account, nor a driver as an operator.
    as_driver = await swapped.post(LOGIN, json={"email": "ada@example.com", "password": PASSWORD})
    assert as_driver.status_code == 401
    as_operator = await swapped.post(
        "/api/v1/auth/login", json={"email": "bo@example.se", "password": PASSWORD}
    )
    assert as_operator.status_code == 401


async def test_a_driver_sees_only_their_own_sessions_and_cdrs(
    running: Running,
    admin: httpx.AsyncClient,
    clients: list[httpx.AsyncClient],
    container: Container,
) -> None:
    bo = await _driver(admin, clients, "bo@example.se", "CARD-BO")
    eva = await _driver(admin, clients, "eva@example.se", "CARD-EVA")
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    mine = int(await station.start_session(1, "CARD-BO", meter_start_wh=0, timestamp=T0))
    hers = int(await station.start_session(2, "CARD-EVA", meter_start_wh=0, timestamp=T0))
    await station.close()
    result = priced(
        a_tariff(element(component("ENERGY", "2", "25")), currency="SEK"), a_session(T0, 60, "10")
    )
    issued = [
        Cdr(n, "CP-1", None, 1, token, T0, T0 + timedelta(hours=1), "Europe/Stockholm", "t", 1,
            result, (), T0)
        for n, token in ((mine, "CARD-BO"), (hers, "CARD-EVA"))
    ]  # fmt: skip
    await container.database.write(lambda uow: [uow.cdrs.add(c) for c in issued])

    sessions = (await bo.http.get(f"{ME}/sessions")).json()
    assert [s["id"] for s in sessions] == [mine]
    assert (await bo.http.get(f"{ME}/sessions/{mine}")).json()["id_token"] == "CARD-BO"
    assert (await bo.http.get(f"{ME}/sessions/{hers}")).status_code == 404  # hers: not there
    assert (await eva.http.get(f"{ME}/sessions/{mine}")).status_code == 404
    assert (await bo.http.get(f"{ME}/sessions/99999")).status_code == 404
    cdrs = (await bo.http.get(f"{ME}/cdrs")).json()
    assert [c["session_id"] for c in cdrs] == [mine]
    assert cdrs[0]["total_incl_vat"] == "25.00"
    # Operator routes with her ids stay closed to him.
    assert (await bo.http.get(f"/api/v1/drivers/{eva.id}")).status_code == 401
    assert (await bo.http.get(f"/api/v1/sessions/{hers}")).status_code == 401
    logins = (await bo.http.get(f"{ME}/logins")).json()
    her_logins = (await eva.http.get(f"{ME}/logins")).json()
    ended = await bo.http.delete(f"{ME}/logins/{her_logins[0]['id']}")
    assert ended.status_code == 404 and len(logins) == 1
    assert (await eva.http.get(ME)).status_code == 200


async def test_driver_logins_are_throttled_and_never_say_whether_the_driver_exists(
    admin: httpx.AsyncClient, clients: list[httpx.AsyncClient], container: Container
) -> None:
    await _driver(admin, clients, "bo@example.se")
    http = httpx.AsyncClient(base_url=str(admin.base_url))
    clients.append(http)
    unknown = await http.post(LOGIN, json={"email": "nobody@example.se", "password": PASSWORD})
    wrong = await http.post(LOGIN, json={"email": "bo@example.se", "password": "wrong" * 4})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["error"]["message"] == wrong.json()["error"]["message"]
    for _ in range(4):
        await http.post(LOGIN, json={"email": "bo@example.se", "password": "wrong" * 4})
    locked = await http.post(LOGIN, json={"email": "bo@example.se", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    rows, _ = await container.audit.search(limit=100)
    actions = [r["action"] for r in rows]
    assert "driver.login_failed" in actions and "auth.lockout" in actions


async def test_optional_totp_for_drivers_without_replay(
    admin: httpx.AsyncClient,
    clients: list[httpx.AsyncClient],
    clock: MovableClock,
) -> None:
    bo = await _driver(admin, clients, "bo@example.se")
    enrol = await bo.http.post(f"{ME}/mfa/totp")
    assert enrol.status_code == 200 and enrol.json()["otpauth_uri"].startswith("otpauth://")
    totp = pyotp.TOTP(enrol.json()["secret"])
    bad = await bo.http.post(f"{ME}/mfa/totp/confirm", json={"code": "000000"})
    assert bad.status_code == 422
    code = totp.at(clock.now())
    assert (await bo.http.post(f"{ME}/mfa/totp/confirm", json={"code": code})).status_code == 204
    assert (await bo.http.get(ME)).json()["totp_enabled"] is True

    http = httpx.AsyncClient(base_url=str(admin.base_url))
    clients.append(http)
    first = await http.post(LOGIN, json={"email": "bo@example.se", "password": PASSWORD})
    assert first.json()["status"] == "mfa_required" and "laddnet_driver" not in http.cookies
    challenge = first.json()["challenge"]
    replay = await http.post("/api/v1/driver-auth/mfa", json={"challenge": challenge, "code": code})
    assert replay.status_code == 401  # the confirmation spent it
    clock.advance(seconds=30)
    fresh = totp.at(clock.now())
    done = await http.post("/api/v1/driver-auth/mfa", json={"challenge": challenge, "code": fresh})
    assert done.status_code == 200 and done.json()["status"] == "ok"
    http.headers["X-CSRF-Token"] = done.json()["csrf_token"]
    assert (await http.get(ME)).status_code == 200
    again = await http.post("/api/v1/driver-auth/mfa", json={"challenge": challenge, "code": fresh})
    assert again.status_code == 401
    wrong_pw = await http.post(f"{ME}/mfa/totp/disable", json={"password": "nope nope nope"})
    assert wrong_pw.status_code == 422
    off = await http.post(f"{ME}/mfa/totp/disable", json={"password": PASSWORD})
    assert off.status_code == 204
    plain = await http.post(LOGIN, json={"email": "bo@example.se", "password": PASSWORD})
    assert plain.json()["status"] == "ok"
    http.headers["X-CSRF-Token"] = plain.json()["csrf_token"]
    # Lost the authenticator: support sets a new password and turns TOTP off.
    enrol = await http.post(f"{ME}/mfa/totp")
    totp = pyotp.TOTP(enrol.json()["secret"])
    clock.advance(seconds=30)
    confirmed = await http.post(f"{ME}/mfa/totp/confirm", json={"code": totp.at(clock.now())})
    assert confirmed.status_code == 204
    reset = await admin.post(
        f"/api/v1/drivers/{bo.id}/password",
        json={"password": "a brand new passphrase", "reset_totp": True},
    )
    assert reset.status_code == 204
    relogin = await http.post(
        LOGIN, json={"email": "bo@example.se", "password": "a brand new passphrase"}
    )
    assert relogin.json()["status"] == "ok"


async def test_an_operator_sets_a_password_and_erasure_ends_the_login(
    admin: httpx.AsyncClient,
    clients: list[httpx.AsyncClient],
    clock: MovableClock,
    container: Container,
) -> None:
    bo = await _driver(admin, clients, "bo@example.se")
    url = f"/api/v1/drivers/{bo.id}/password"
    assert (await admin.post(url, json={"password": "password"})).status_code == 422
    assert (await admin.post(url, json={"password": "a brand new passphrase"})).status_code == 204
    assert (await bo.http.get(ME)).status_code == 401  # the driver's sessions ended
    http = httpx.AsyncClient(base_url=str(admin.base_url))
    clients.append(http)
    login = await http.post(LOGIN, json={"email": bo.email, "password": "a brand new passphrase"})
    assert login.status_code == 200
    assert (await http.get(ME)).status_code == 200
    clock.advance(seconds=container.auth.idle_timeout.total_seconds() + 1)
    assert (await http.get(ME)).status_code == 401  # the idle timeout, as for operators
    login = await http.post(LOGIN, json={"email": bo.email, "password": "a brand new passphrase"})
    assert (await admin.delete(f"/api/v1/drivers/{bo.id}")).status_code == 204
    assert (await http.get(ME)).status_code == 401
    gone = await http.post(LOGIN, json={"email": bo.email, "password": "a brand new passphrase"})
    assert gone.status_code == 401
    viewer = await container.api_keys.create("viewer")
    denied = await admin.post(
        f"/api/v1/drivers/{bo.id}/login-setup", headers={"Authorization": f"Bearer {viewer}"}
    )
    assert denied.status_code == 403
    assert re.fullmatch(r"d[0-9a-f]{16}", bo.id)
