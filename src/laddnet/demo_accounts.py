"""The demo's administrator: an account with a fresh password on every run, logged in through
the real HTTP API and enrolled in two-factor authentication, so the newcomer sees the whole
login (and can add the printed secret to an authenticator app to log in again)."""

from __future__ import annotations

import contextlib
import io
import secrets

import httpx
import pyotp
import segno

from laddnet.bootstrap import Container
from laddnet.domain.drivers.model import DriverDetails
from laddnet.domain.drivers.tokens import TokenKind
from laddnet.domain.errors import Conflict

DEMO_ADMIN = "admin@demo.laddnet.local"


async def seed_admin(container: Container, actor: str) -> str:
    """The demo admin with a new random password (returned), two-factor off."""
    password = secrets.token_urlsafe(15)
    with contextlib.suppress(Conflict):  # seeded by an earlier demo run
        await container.accounts.add_user(DEMO_ADMIN, "admin", None, password, actor=actor)
    account = await container.accounts.find(DEMO_ADMIN)
    await container.accounts.reset_password(account.id, password, actor=actor)
    if account.totp_enabled:
        await container.mfa.disable(account, actor=actor, source=None)
    return password


async def login_and_enrol(api: str, password: str) -> str:
    """Log the demo admin in and enrol TOTP through the API; what to tell the newcomer."""
    async with httpx.AsyncClient(base_url=api, timeout=10) as http:
        login = await http.post(
            "/api/v1/auth/login", json={"email": DEMO_ADMIN, "password": password}
        )
        login.raise_for_status()
        http.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        enrolment = (await http.post("/api/v1/me/mfa/totp")).raise_for_status().json()
        secret = enrolment["secret"]
        code = pyotp.TOTP(secret).now()
        confirm = await http.post("/api/v1/me/mfa/totp/confirm", json={"code": code})
        codes = confirm.raise_for_status().json()["recovery_codes"]
        me = (await http.get("/api/v1/me")).raise_for_status().json()
    qr = io.StringIO()
    segno.make(enrolment["otpauth_uri"], error="m").terminal(out=qr, compact=True)
    return (
        f"  Login:      {DEMO_ADMIN} / {password} (role {me['role']}), logged in through\n"
        f"              POST {api}/api/v1/auth/login and enrolled in two-factor:\n"
        f"  TOTP:       secret {secret} (scan the code below into an authenticator app);\n"
        f"              log in again with POST /api/v1/auth/login, then POST /api/v1/auth/mfa\n"
        f"              with the challenge and a code. Recovery code: {codes[0]} (1 of 10)\n"
        f"{qr.getvalue()}"
    )


DEMO_DRIVER = DriverDetails(
    name="Demo Driver", email="driver@demo.laddnet.local", phone="+46 8 123 456", language="sv"
)


DEMO_DRIVER_CARD = "04DE40CA4D0001"  # the demo driver's RFID card


async def seed_driver(container: Container, actor: str) -> str:
    """The demo driver (its personal data encrypted at rest); its id."""
    existing = await container.drivers.by_email(DEMO_DRIVER.email or "")
    if existing is not None:
        return existing.id
    driver_id = (await container.drivers.create(DEMO_DRIVER, actor=actor)).id
    await container.driver_tokens.add(
        driver_id, DEMO_DRIVER_CARD, TokenKind.RFID, actor=actor, source=None
    )  # stored hashed and encrypted; stations presenting it are accepted
    return driver_id


async def seed_driver_login(container: Container, driver_id: str, actor: str) -> str:
    """A fresh password for the demo driver's self-service login (returned)."""
    password = secrets.token_urlsafe(15)
    await container.driver_auth.set_password(driver_id, password, actor=actor, source=None)
    return password
