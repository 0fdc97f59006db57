"""Credential changes of a running station: a new basic-auth password (rotation) or a higher
security profile (upgrade), sent over OCPP and in force only once the station has both
confirmed it and connected with it; and when a station certificate is due for renewal.

A change is *open* while the station may still be switching to it: the old credential and the
new one are both good then. It *completes* when the station answered Accepted and has connected
with the new credential (in either order): the new one becomes the only one (the password) or
the minimum (the profile). It *fails* when the station said no or was not connected to hear it:
the new credential is dropped. A station that did not answer (a timeout, a connection lost
half-way) may have taken the change or not: the change stays open, both credentials work.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from laddnet.domain.errors import InvalidInput
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.domain.stations.registration import MAX_PASSWORD, check_password


class ChangeKind(StrEnum):
    PASSWORD = "password"  # noqa: S105 - a kind of change, not a password
    SECURITY_PROFILE = "security_profile"


class ChangeState(StrEnum):
    QUEUED = "queued"  # not sent yet: part of a bulk rotation, or waiting for it to connect
    SENT = "sent"  # sent, no answer yet
    UNCONFIRMED = "unconfirmed"  # no answer (timeout, connection lost): both credentials work
    CONFIRMED = "confirmed"  # the station answered Accepted; waiting for it to connect with it
    COMPLETED = "completed"  # confirmed and connected with: the new credential is in force
    FAILED = "failed"  # refused, not supported, or never answered: the old one stays
    SUPERSEDED = "superseded"  # another change of the same kind completed first


OPEN = frozenset(
    {ChangeState.QUEUED, ChangeState.SENT, ChangeState.UNCONFIRMED, ChangeState.CONFIRMED}
)
# A password of a change in these states logs the station in (beside its stored one).
ACCEPTS_LOGIN = frozenset({ChangeState.SENT, ChangeState.UNCONFIRMED, ChangeState.CONFIRMED})
# How many password changes of one station may be open at once (each costs a hash check at a
# login with a password that is not the stored one).
MAX_OPEN = 3
# A password rotation the station never answered (queued, sent, or sent and unanswered) is
# sent again when the station connects with its stored password: once per connection, at most
# MAX_ATTEMPTS times in all; at the connection after the last attempt it fails.
RESENDABLE = frozenset({ChangeState.QUEUED, ChangeState.SENT, ChangeState.UNCONFIRMED})
MAX_ATTEMPTS = 5
# Status words of a station that took the change (2.0.1 SetVariables may need a reboot first).
TAKEN = frozenset({"Accepted", "RebootRequired"})


@dataclass(frozen=True, slots=True)
class CredentialChange:
    id: int
    station_id: str
    kind: ChangeKind
    state: ChangeState
    requested_by: str
    requested_at: datetime
    batch: str | None = None  # the bulk rotation it is part of
    target_profile: SecurityProfile | None = None  # for SECURITY_PROFILE
    answered_at: datetime | None = None
    connected_at: datetime | None = None  # the station connected with the new credential
    completed_at: datetime | None = None
    detail: str | None = None  # why it failed, or what the station answered
    command_id: int | None = None  # the command that carried it (the command log)
    attempts: int = 0  # how many times it was sent (a rotation is sent again on reconnect)


def after_answer(status: str | None, *, connected: bool, no_answer: bool = False) -> ChangeState:
    """The state a change moves to once its command came back: `status` is the station's
    status word (None: no answer); `no_answer` when it did not answer or the connection was
    lost half-way; `connected` when the station has already connected with the new credential."""
    if no_answer:
        return ChangeState.UNCONFIRMED
    if status in TAKEN:
        return ChangeState.COMPLETED if connected else ChangeState.CONFIRMED
    return ChangeState.FAILED


def after_connect(state: ChangeState) -> ChangeState:
    """The state once the station connected with the new credential."""
    return ChangeState.COMPLETED if state is ChangeState.CONFIRMED else state


def to_resend(
    changes: list[CredentialChange], logged_in_with: int | None, busy: frozenset[int]
) -> CredentialChange | None:
    """The password rotation to send again to a station that just connected: the newest open
    one, if the station never answered it, did not log in with its password (it has it) and
    it is not being sent right now (`busy`). Older open ones stay as they are (the newest,
    once completed, supersedes them)."""
    passwords = [c for c in changes if c.kind is ChangeKind.PASSWORD and c.state in OPEN]
    if not passwords:
        return None
    newest = max(passwords, key=lambda c: c.id)
    if newest.state not in RESENDABLE or newest.id == logged_in_with or newest.id in busy:
        return None
    return newest


# Passwords Laddnet generates: letters and digits only (no character that a station's
# configuration or an HTTP basic-auth header would need to escape).
ALPHABET = string.ascii_letters + string.digits
V16_PASSWORD_LENGTH = 20  # 1.6 AuthorizationKey: at most 20 bytes, sent as 40 hex digits
V201_PASSWORD_LENGTH = 32  # 2.0.1 BasicAuthPassword: at most 40 characters


def generate_password(length: int) -> str:
    """A random password that passes the station password policy (about 6 bits a character:
    20 characters are 119 bits)."""
    if not 16 <= length <= MAX_PASSWORD:
        raise ValueError(f"length must be 16-{MAX_PASSWORD}")
    while True:
        password = "".join(secrets.choice(ALPHABET) for _ in range(length))
        try:
            check_password(password)
        except InvalidInput:  # too little variety (a rare draw): draw again
            continue
        return password


def drawn_password() -> str:
    """A password for a station whose OCPP version is not known yet: 20 characters fit both
    1.6's AuthorizationKey and 2.0.1's BasicAuthPassword."""
    return generate_password(V16_PASSWORD_LENGTH)


def password_for(ocpp_version: str) -> str:
    return generate_password(V16_PASSWORD_LENGTH if ocpp_version == "1.6" else V201_PASSWORD_LENGTH)


def authorization_key(password: str) -> str:
    """The 1.6 security whitepaper's AuthorizationKey value: the password's bytes as
    hexadecimal digits (a 20-character password is 40 digits, the most it allows)."""
    return password.encode("utf-8").hex()


def password_of_key(value: str) -> str:
    """The password an AuthorizationKey value stands for (what a 1.6 station logs in with)."""
    return bytes.fromhex(value).decode("utf-8")


def renewal_due(not_after: datetime, now: datetime, window: timedelta) -> bool:
    """Whether a certificate valid until `not_after` should be renewed now."""
    return not_after - now <= window


def renewal_retry_due(last_asked: datetime | None, now: datetime, every: timedelta) -> bool:
    """Whether to ask again: never asked for this certificate, or last asked `every` ago."""
    return last_asked is None or now - last_asked >= every
