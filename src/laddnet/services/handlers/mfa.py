"""Two-factor authentication: TOTP (RFC 6238) enrolment with a QR code, confirmation with ten
single-use recovery codes, code checks without replay, and turning it off."""

from __future__ import annotations

import asyncio
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno

from laddnet.domain.accounts.model import Account
from laddnet.domain.errors import Conflict, InvalidInput
from laddnet.ports import Clock, Database, PasswordHasher, UnitOfWork

ISSUER = "Laddnet"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


@dataclass(frozen=True, slots=True)
class Enrolment:
    secret: str
    uri: str
    qr_svg: str


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normalize_code(code: str) -> str:
    """Spaces dropped, lower case; a recovery code typed without its hyphen gets it back."""
    code = code.strip().replace(" ", "").lower()
    if len(code) == 10 and code.isalnum() and not code.isdigit():
        return f"{code[:5]}-{code[5:]}"
    return code


class MfaService:
    def __init__(self, db: Database, clock: Clock, hasher: PasswordHasher) -> None:
        self._db = db
        self._clock = clock
        self._hasher = hasher  # for recovery codes (random, 50 bits: the machine-secret cost)

    async def enrol(self, account: Account, actor: str, source: str | None) -> Enrolment:
        """A new TOTP secret for `account` (not yet active); Conflict if 2FA is on already."""
        if account.totp_enabled:
            raise Conflict("two-factor authentication is on already; turn it off first")
        secret = pyotp.random_base32()
        uri = pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name=ISSUER)
        buffer = io.BytesIO()
        segno.make(uri, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
        now = self._clock.now()

        def store(uow: UnitOfWork) -> None:
            uow.users.update(account.id, now, totp_secret=secret, totp_last_step=None)
            uow.audit.record(
                actor, "mfa.enrolment_started", "user", account.id, {}, now, source=source
            )

        await self._db.write(store)
        return Enrolment(secret, uri, buffer.getvalue().decode())

    async def confirm(
        self, account: Account, code: str, *, session_id: str | None, actor: str, source: str | None
    ) -> list[str]:
        """Turn TOTP on with a first code; the ten recovery codes (shown once)."""
        if account.totp_enabled:
            raise Conflict("two-factor authentication is on already")
        if account.totp_secret is None:
            raise InvalidInput("no enrolment under way: POST /api/v1/me/mfa/totp first")
        step = self._matching_step(account.totp_secret, code)
        if step is None:
            raise InvalidInput("wrong code; check the authenticator app's clock")
        codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
        hashes = await asyncio.gather(*(asyncio.to_thread(self._hasher.hash, c) for c in codes))
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            if not uow.users.accept_totp_step(account.id, step, now):
                raise InvalidInput("this code was used already; wait for the next one")
            uow.users.update(account.id, now, totp_enabled=True)
            uow.recovery_codes.replace(account.id, hashes)
            if session_id is not None:
                uow.login_sessions.second_factor(session_id, now)
            uow.audit.record(actor, "mfa.enabled", "user", account.id, {}, now, source=source)

        await self._db.write(apply)
        return codes

    async def disable(self, account: Account, *, actor: str, source: str | None) -> None:
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            uow.users.update(
                account.id, now, totp_enabled=False, totp_secret=None, totp_last_step=None
            )
            uow.recovery_codes.replace(account.id, [])
            uow.audit.record(actor, "mfa.disabled", "user", account.id, {}, now, source=source)

        await self._db.write(apply)

    async def check(self, account: Account, code: str) -> str | None:
        """Spend `code` (a TOTP code or a recovery code) for `account`: "totp" or "recovery"
        when accepted, None when wrong or already used."""
        if not account.totp_enabled or account.totp_secret is None:
            return None
        normalized = _normalize_code(code)
        now = self._clock.now()
        if normalized.isdigit() and len(normalized) == 6:
            step = self._matching_step(account.totp_secret, normalized)
            if step is None:
                return None
            accepted = await self._db.write(
                lambda uow: uow.users.accept_totp_step(account.id, step, now)
            )
            return "totp" if accepted else None
        unused = await self._db.read(lambda uow: uow.recovery_codes.unused(account.id))
        for code_id, hashed in unused:
            if await asyncio.to_thread(self._hasher.verify, hashed, normalized):
                used = await self._db.write(_use_code(code_id, now))
                return "recovery" if used else None
        return None

    def _matching_step(self, secret: str, code: str) -> int | None:
        """The time step (of now, or one either side for clock drift) whose code is `code`."""
        totp = pyotp.TOTP(secret)
        code = _normalize_code(code)
        if not (code.isdigit() and len(code) == 6):
            return None
        now = self._clock.now()
        step = totp.timecode(now)
        for candidate in (step, step - 1, step + 1):
            if secrets.compare_digest(totp.generate_otp(candidate), code):
                return candidate
        return None


def _use_code(code_id: int, now: datetime) -> Callable[[UnitOfWork], bool]:
    return lambda uow: uow.recovery_codes.use(code_id, now)
