"""Drivers' optional TOTP: enrolment, confirmation with a first code, turning it off with the
password, and each code accepted once (the step of now or one either side)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

import pyotp

from laddnet.domain.errors import Conflict, InvalidInput
from laddnet.ports import Clock, Database, KeyRing, UnitOfWork
from laddnet.services.handlers.accounts import AccountService
from laddnet.services.handlers.drivers import DriverService
from laddnet.services.handlers.mfa import ISSUER

if TYPE_CHECKING:
    from laddnet.services.handlers.driver_auth import DriverPrincipal

TOTP_FIELD = "totp_secret"


class DriverTotp:
    """The TOTP half of `DriverAuthService`, which sets these attributes."""

    _db: Database
    _clock: Clock
    _accounts: AccountService
    _drivers: DriverService
    _keys: KeyRing

    async def totp_enabled(self, driver_id: str) -> bool:
        row = await self._db.read(lambda uow: uow.driver_logins.get(driver_id))
        return bool(row and row["totp_enabled"])

    async def enrol_totp(self, me: DriverPrincipal, source: str | None) -> tuple[str, str]:
        """A new TOTP secret (stored encrypted, not yet on) and its otpauth URI."""
        if await self.totp_enabled(me.driver_id):
            raise Conflict("two-factor authentication is on already; turn it off first")
        driver = await self._drivers.get(me.driver_id)
        secret = pyotp.random_base32()
        uri = pyotp.TOTP(secret).provisioning_uri(
            name=driver.details.email or driver.id, issuer_name=ISSUER
        )
        sealed = (await self._keys.cipher()).encrypt(TOTP_FIELD, secret)
        now = self._clock.now()

        def store(uow: UnitOfWork) -> None:
            uow.driver_logins.put(me.driver_id, now, totp_secret_enc=sealed, totp_last_step=None)
            uow.audit.record(me.actor, "driver.mfa_enrolment_started", "driver", me.driver_id,
                             {}, now, source=source)  # fmt: skip

        await self._db.write(store)
        return secret, uri

    async def confirm_totp(self, me: DriverPrincipal, code: str, source: str | None) -> None:
        row = await self._db.read(lambda uow: uow.driver_logins.get(me.driver_id))
        if row is None or row["totp_secret_enc"] is None:
            raise InvalidInput("no enrolment under way: POST /api/v1/driver/me/mfa/totp first")
        if row["totp_enabled"]:
            raise Conflict("two-factor authentication is on already")
        if not await self._spend_code(me.driver_id, code, row=row):
            raise InvalidInput("wrong or used code; check the authenticator app's clock")
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            uow.driver_logins.put(me.driver_id, now, totp_enabled=True)
            uow.login_sessions.second_factor(me.session_id, now)
            uow.audit.record(
                me.actor, "driver.mfa_enabled", "driver", me.driver_id, {}, now, source=source
            )

        await self._db.write(apply)

    async def disable_totp(self, me: DriverPrincipal, password: str, source: str | None) -> None:
        """Turn TOTP off, proven with the password."""
        row = await self._db.read(lambda uow: uow.driver_logins.get(me.driver_id))
        if not await self._accounts.verify_hash(row["password_hash"] if row else None, password):
            raise InvalidInput("the password is wrong")
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            uow.driver_logins.put(
                me.driver_id, now, totp_enabled=False, totp_secret_enc=None, totp_last_step=None
            )
            uow.audit.record(
                me.actor, "driver.mfa_disabled", "driver", me.driver_id, {}, now, source=source
            )

        await self._db.write(apply)

    async def _spend_code(
        self, driver_id: str, code: str, row: dict[str, Any] | None = None
    ) -> bool:
        """Accept a TOTP code once: the step of now or one either side, never one used."""
        if row is None:
            row = await self._db.read(lambda uow: uow.driver_logins.get(driver_id))
        if row is None or row["totp_secret_enc"] is None:
            return False
        code = code.strip().replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            return False
        cipher = await self._keys.cipher()
        if not cipher.knows(cipher.key_of(row["totp_secret_enc"])):
            cipher = await self._keys.reload()
        totp = pyotp.TOTP(cipher.decrypt(TOTP_FIELD, row["totp_secret_enc"]))
        now = self._clock.now()
        step = totp.timecode(now)
        matching = [s for s in (step, step - 1, step + 1)
                    if secrets.compare_digest(totp.generate_otp(s), code)]  # fmt: skip
        if not matching:
            return False
        accepted = matching[0]
        return await self._db.write(
            lambda uow: uow.driver_logins.accept_totp_step(driver_id, accepted, now)
        )
