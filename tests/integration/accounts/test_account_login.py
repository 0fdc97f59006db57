"""Logging in through the HTTP API with real cookies: password, two-factor, CSRF, timeouts,
logout, brute force and the lockout's audit entry."""

from __future__ import annotations

import logging

import httpx
import pytest

from laddnet.bootstrap import Container
from tests.integration.accounts.conftest import PASSWORD, MovableClock, People

LOGIN = "/api/v1/auth/login"


def cookie_header(response: httpx.Response) -> str:
    return next(v for k, v in response.headers.multi_items() if k == "set-cookie")


async def test_first_login_sets_a_strict_http_only_cookie_and_allows_only_enrolment(
    people: People,
) -> None:
    await people.add("ada@example.com", "admin")
    ada, response = await people.login("ADA@example.com ")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "mfa_enrolment_required"
    cookie = cookie_header(response).lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" not in cookie  # plain http on 127.0.0.1
    me = await ada.http.get("/api/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "ada@example.com"
    assert me.json()["mfa_enabled"] is False
    refused = await ada.http.get("/api/v1/stations")
    assert refused.status_code == 403
    assert "two-factor" in refused.json()["error"]["message"]


async def test_enrolment_gives_a_qr_code_and_ten_recovery_codes_then_everything_opens(
    people: People,
) -> None:
    ada = await people.enrolled("ada@example.com", "admin")
    assert len(ada.recovery) == 10
    assert len(set(ada.recovery)) == 10
    response = await ada.http.get("/api/v1/stations")
    assert response.status_code == 200, response.text
    again = await ada.http.post("/api/v1/me/mfa/totp")
    assert again.status_code == 409  # on already


async def test_enrolment_answer_holds_an_svg_qr_code_of_the_otpauth_uri(people: People) -> None:
    await people.add("bo@example.com", "viewer")
    bo, _ = await people.login("bo@example.com")
    enrolment = (await bo.http.post("/api/v1/me/mfa/totp")).json()
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/Laddnet:bo%40example.com?")
    assert enrolment["qr_svg"].lstrip().startswith("<svg")
    wrong = await bo.http.post("/api/v1/me/mfa/totp/confirm", json={"code": "000000"})
    assert wrong.status_code == 422


async def test_login_with_two_factor_needs_the_code_and_a_code_works_once(
    people: People, clock: MovableClock
) -> None:
    ada = await people.enrolled("ada@example.com")
    second, response = await people.login("ada@example.com")
    body = response.json()
    assert body["status"] == "mfa_required"
    assert body["csrf_token"] is None
    assert "set-cookie" not in response.headers
    clock.advance(seconds=30)
    code = ada.code(clock)
    done = await second.http.post(
        "/api/v1/auth/mfa", json={"challenge": body["challenge"], "code": code}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "ok"
    second.http.headers["X-CSRF-Token"] = done.json()["csrf_token"]
    assert (await second.http.get("/api/v1/stations")).status_code == 200
    # The same code again, in a new login within its window: refused (no replay).
    third, response = await people.login("ada@example.com")
    replay = await third.http.post(
        "/api/v1/auth/mfa", json={"challenge": response.json()["challenge"], "code": code}
    )
    assert replay.status_code == 401
    # A challenge is not a session.
    assert (await third.http.get("/api/v1/me")).status_code == 401


async def test_a_recovery_code_logs_in_once(people: People) -> None:
    ada = await people.enrolled("ada@example.com")
    code = ada.recovery[3]
    for expected in (200, 401):
        other, response = await people.login("ada@example.com")
        answer = await other.http.post(
            "/api/v1/auth/mfa", json={"challenge": response.json()["challenge"], "code": code}
        )
        assert answer.status_code == expected, answer.text


async def test_errors_do_not_tell_whether_the_account_exists(people: People) -> None:
    await people.add("ada@example.com")
    _, wrong_password = await people.login("ada@example.com", "not the password at all")
    _, no_account = await people.login("nobody@example.com", "not the password at all")
    assert wrong_password.status_code == no_account.status_code == 401
    assert wrong_password.json() == no_account.json()


async def test_five_failures_lock_the_account_with_429_and_the_lockout_is_audited(
    people: People, container: Container, clock: MovableClock
) -> None:
    await people.add("ada@example.com")
    for _ in range(5):
        _, response = await people.login("ada@example.com", "wrong password number")
        assert response.status_code == 401
    _, locked = await people.login("ada@example.com")  # even the right password
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) == 60
    rows, _ = await container.audit.search(action="auth.lockout")
    assert rows and rows[0]["outcome"] == "locked"
    assert "wrong password" not in str(rows)
    clock.advance(seconds=61)
    _, response = await people.login("ada@example.com", "wrong password again")
    assert response.status_code == 401
    _, locked = await people.login("ada@example.com")
    assert int(locked.headers["retry-after"]) == 120  # growing
    clock.advance(seconds=121)
    _, ok = await people.login("ada@example.com")
    assert ok.status_code == 200


async def test_an_address_is_locked_across_accounts(people: People) -> None:
    for n in range(5):
        _, response = await people.login(f"guess{n}@example.com", "wrong password number")
        assert response.status_code == 401
    await people.add("ada@example.com")
    _, locked = await people.login("ada@example.com")
    assert locked.status_code == 429


async def test_wrong_totp_codes_count_as_failed_logins(people: People, clock: MovableClock) -> None:
    ada = await people.enrolled("ada@example.com")
    good = ada.code(clock, steps=1)
    bad = "000000" if good != "000000" else "111111"
    for _ in range(5):
        other, response = await people.login("ada@example.com")
        answer = await other.http.post(
            "/api/v1/auth/mfa", json={"challenge": response.json()["challenge"], "code": bad}
        )
        assert answer.status_code == 401
    _, locked = await people.login("ada@example.com")
    assert locked.status_code == 429


async def test_a_change_with_the_cookie_needs_the_csrf_header(people: People) -> None:
    ada = await people.enrolled("ada@example.com")
    body = {"name": "Depot", "time_zone": "Europe/Stockholm"}
    token = ada.http.headers.pop("X-CSRF-Token")
    refused = await ada.http.post("/api/v1/sites", json=body)
    assert refused.status_code == 403
    assert "X-CSRF-Token" in refused.json()["error"]["message"]
    forged = await ada.http.post("/api/v1/sites", json=body, headers={"X-CSRF-Token": "0" * 64})
    assert forged.status_code == 403
    made = await ada.http.post("/api/v1/sites", json=body, headers={"X-CSRF-Token": token})
    assert made.status_code == 201, made.text
    me = await ada.http.get("/api/v1/me")  # reads need none; /me repeats the token
    assert me.json()["csrf_token"] == token


async def test_idle_and_absolute_timeouts_end_a_session(
    people: People, clock: MovableClock
) -> None:
    ada = await people.enrolled("ada@example.com")
    clock.advance(minutes=31)
    assert (await ada.http.get("/api/v1/me")).status_code == 401
    bo = await people.enrolled("bo@example.com")
    for _ in range(12 * 3):  # active all day, never idle for 30 minutes
        clock.advance(minutes=20)
        assert (await bo.http.get("/api/v1/me")).status_code == 200
    clock.advance(minutes=20)
    assert (await bo.http.get("/api/v1/me")).status_code == 401


async def test_logout_ends_the_session_and_clears_the_cookie(people: People) -> None:
    ada = await people.enrolled("ada@example.com")
    cookie = ada.http.cookies["laddnet_session"]
    response = await ada.http.post("/api/v1/auth/logout")
    assert response.status_code == 204
    assert "laddnet_session=" in cookie_header(response)
    stolen = people.client()
    stolen.cookies.set("laddnet_session", cookie)
    assert (await stolen.get("/api/v1/me")).status_code == 401


async def test_sessions_are_listed_and_revoked_by_their_owner_and_by_an_admin(
    people: People,
) -> None:
    admin = await people.enrolled("admin@example.com", "admin")
    bo = await people.enrolled("bo@example.com", "operator")
    bo2, _ = await people.login("bo@example.com")  # second login, challenge pending only
    mine = (await bo.http.get("/api/v1/me/sessions")).json()
    assert [s["current"] for s in mine] == [True]
    everyone = (await admin.http.get("/api/v1/login-sessions")).json()
    assert {s["user_id"] for s in everyone} == {admin.user_id, bo.user_id}
    # Bo may not end the admin's session, nor see it: 404.
    admin_session = next(s["id"] for s in everyone if s["user_id"] == admin.user_id)
    denied = await bo.http.delete(f"/api/v1/me/sessions/{admin_session}")
    assert denied.status_code == 404
    assert (await bo.http.get("/api/v1/login-sessions")).status_code == 403
    # The admin ends Bo's session.
    bo_session = mine[0]["id"]
    assert (await admin.http.delete(f"/api/v1/login-sessions/{bo_session}")).status_code == 204
    assert (await bo.http.get("/api/v1/me")).status_code == 401
    assert (await bo2.http.get("/api/v1/me")).status_code == 401


async def test_a_disabled_account_is_logged_out_and_cannot_log_in(
    people: People, container: Container
) -> None:
    bo = await people.enrolled("bo@example.com", "operator")
    await container.accounts.set_disabled(bo.user_id, True, actor="cli")
    assert (await bo.http.get("/api/v1/me")).status_code == 401
    _, response = await people.login("bo@example.com")
    assert response.status_code == 401


async def test_password_change_needs_the_old_one_and_the_policy_and_ends_other_sessions(
    people: People, clock: MovableClock
) -> None:
    ada = await people.enrolled("ada@example.com")
    other, response = await people.login("ada@example.com")
    clock.advance(seconds=30)
    done = await other.http.post(
        "/api/v1/auth/mfa",
        json={"challenge": response.json()["challenge"], "code": ada.code(clock)},
    )
    assert done.status_code == 200
    url = "/api/v1/me/password"
    wrong = await ada.http.post(url, json={"current_password": "nope", "new_password": "x" * 20})
    assert wrong.status_code == 422
    assert "current password" in wrong.json()["error"]["message"]
    for bad, why in (("short pass", "12 characters"), ("Password1234", "common")):
        answer = await ada.http.post(url, json={"current_password": PASSWORD, "new_password": bad})
        assert answer.status_code == 422
        assert why in answer.json()["error"]["message"]
    new = "a much longer new passphrase"
    changed = await ada.http.post(url, json={"current_password": PASSWORD, "new_password": new})
    assert changed.status_code == 204
    assert (await ada.http.get("/api/v1/me")).status_code == 200  # this session stays
    assert (await other.http.get("/api/v1/me")).status_code == 401  # the other ended
    _, old = await people.login("ada@example.com")
    assert old.status_code == 401
    _, fresh = await people.login("ada@example.com", new)
    assert fresh.json()["status"] == "mfa_required"


async def test_an_account_without_a_password_is_set_up_with_its_one_time_token(
    people: People, container: Container
) -> None:
    _account, token = await container.accounts.add_user(
        "new@example.com", "technician", None, None, actor="cli"
    )
    assert token is not None
    _, before = await people.login("new@example.com", "")
    assert before.status_code in (401, 422)
    http = people.client()
    weak = await http.post("/api/v1/auth/setup", json={"token": token, "password": "password2024"})
    assert weak.status_code == 422
    ok = await http.post("/api/v1/auth/setup", json={"token": token, "password": PASSWORD})
    assert ok.status_code == 204
    again = await http.post("/api/v1/auth/setup", json={"token": token, "password": PASSWORD})
    assert again.status_code == 401  # spent
    _, response = await people.login("new@example.com")
    assert response.json()["status"] == "mfa_enrolment_required"
    assert response.json()["user"]["role"] == "technician"


async def test_no_log_line_holds_a_password_code_token_or_key(
    people: People, clock: MovableClock, container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ada = await people.enrolled("ada@example.com", "admin")
    _, failed = await people.login("ada@example.com", "a wrong password here")
    other, response = await people.login("ada@example.com")
    clock.advance(seconds=30)
    code = ada.code(clock)
    await other.http.post(
        "/api/v1/auth/mfa", json={"challenge": response.json()["challenge"], "code": code}
    )
    key = (await ada.http.post("/api/v1/api-keys", json={"role": "viewer"})).json()["key"]
    await ada.http.get("/api/v1/stations", headers={"Authorization": f"Bearer {key}"})
    driver = {"name": "Cecilia Kvist", "email": "cecilia@example.se", "phone": "+46 70 999 88 77"}
    made = await ada.http.post("/api/v1/drivers", json=driver)
    assert made.status_code == 201, made.text
    await ada.http.get(f"/api/v1/drivers/{made.json()['id']}/export")
    # The driver logs in themselves: setup token, a wrong and a right password, their data.
    setup = await ada.http.post(f"/api/v1/drivers/{made.json()['id']}/login-setup")
    setup_token = setup.json()["setup_token"]
    own = people.client()
    driver_pw = "her own long passphrase"
    done = await own.post(
        "/api/v1/driver-auth/setup", json={"token": setup_token, "password": driver_pw}
    )
    assert done.status_code == 204, done.text
    await own.post("/api/v1/driver-auth/login", json={"email": driver["email"], "password": "nope"})
    logged = await own.post(
        "/api/v1/driver-auth/login", json={"email": driver["email"], "password": driver_pw}
    )
    assert logged.status_code == 200, logged.text
    assert (await own.get("/api/v1/driver/me")).json()["phone"] == driver["phone"]
    secrets = [
        setup_token,
        driver_pw,
        own.cookies["laddnet_driver"],
        PASSWORD,
        "a wrong password here",
        code,
        ada.secret or "",
        *ada.recovery,
        response.json()["challenge"],
        ada.http.cookies["laddnet_session"],
        key,
        *driver.values(),
    ]
    assert failed.status_code == 401
    # The server's records: the test's own HTTP client (httpx, httpcore) logs its cookies.
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert server  # the scenario did log (asyncio, the database writer, ...)
    text = "\n".join(record.getMessage() for record in server)
    leaked = [s for s in secrets if s and s in text]
    assert leaked == []
