"""What an update-firmware command must satisfy before it is sent: its location inside the
configured firmware repository (LADDNET_FIRMWARE_URL_PREFIX), and, if signed, a signing
certificate issued by the firmware-signing CA whose signature verifies over the firmware's
SHA-256 (which the operator gives as `firmware_sha256`). A refused command is never sent,
answered 422 and recorded as a `firmware_refused` security event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import InvalidInput
from laddnet.domain.security.firmware import check_location, parse_sha256
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.stations.model import Station
from laddnet.ports import FirmwareSignatureCheck
from laddnet.services.handlers.commands import CommandHooks, CommandService, Prepare


@dataclass(frozen=True, slots=True)
class FirmwarePolicy:
    url_prefix: str | None = None
    signatures: FirmwareSignatureCheck | None = None  # None: no firmware-signing CA configured
    require_signature: bool = False

    def check(self, body: dict[str, Any], now: datetime) -> None:
        """InvalidInput saying why the update may not be sent."""
        check_location(str(body["location"]), self.url_prefix)
        signature, certificate = body.get("signature"), body.get("signing_certificate")
        if not signature and not certificate:
            if self.require_signature:
                raise InvalidInput("signature: only signed firmware updates are allowed")
            return
        if not signature or not certificate:
            raise InvalidInput("signed firmware needs both signature and signing_certificate")
        if self.signatures is None:
            raise InvalidInput(
                "signature: no firmware signing CA is configured (LADDNET_FIRMWARE_SIGNING_CA),"
                " so the signature cannot be checked"
            )
        if not body.get("firmware_sha256"):
            raise InvalidInput("firmware_sha256: a signed update needs the firmware's SHA-256")
        digest = parse_sha256(str(body["firmware_sha256"]))
        self.signatures.verify(str(certificate), str(signature), digest, now)


def add_firmware_policy(hooks: CommandHooks, policy: FirmwarePolicy) -> CommandHooks:
    """Put the policy in front of the update-firmware hook already there."""
    inner = hooks.prepare.get(CommandName.UPDATE_FIRMWARE)

    async def prepare(
        service: CommandService, station: Station, body: dict[str, Any]
    ) -> dict[str, Any]:
        now = service.clock.now()
        try:
            policy.check(body, now)
        except InvalidInput as exc:
            detail = f"update-firmware from {body.get('location')!s:.300} refused: {exc}"
            kind = SecurityEventKind.FIRMWARE_REFUSED
            await service.db.write(
                lambda uow: uow.events.security(kind, station.id, detail, None, now)
            )
            raise
        wire = {k: v for k, v in body.items() if k != "firmware_sha256"}
        return await inner(service, station, wire) if inner is not None else wire

    guarded: Prepare = prepare
    hooks.prepare[CommandName.UPDATE_FIRMWARE] = guarded
    return hooks
