"""Authorization: may this id token charge?"""

from __future__ import annotations

from datetime import datetime

from laddnet.domain.authorization.model import AuthorizationDecision, IdToken, decide
from laddnet.domain.drivers.tokens import HASHED_PREFIX
from laddnet.domain.errors import InvalidInput
from laddnet.domain.pricing.records import check_customer_group
from laddnet.ports import Clock, Database, KeyRing
from laddnet.services.handlers.driver_tokens import presented_key


class AuthorizationService:
    def __init__(self, db: Database, clock: Clock, keys: KeyRing | None = None) -> None:
        self._db = db
        self._clock = clock
        self._keys = keys  # drivers' tokens are stored under a keyed hash (driver_tokens.py)

    async def authorize(self, id_token: str) -> AuthorizationDecision:
        hashed = await presented_key(self._keys, id_token, self._db)
        token = await self._db.read(lambda uow: uow.tokens.find(id_token, hashed))
        if token is None and hashed is not None and await self._keys_rotated():
            # Another process rotated the index key: hash again with the keys as stored now.
            hashed = await presented_key(self._keys, id_token, self._db)
            token = await self._db.read(lambda uow: uow.tokens.find(id_token, hashed))
        return decide(token, self._clock.now())

    async def _keys_rotated(self) -> bool:
        return self._keys is not None and await self._keys.refresh_if_stale()

    async def add_token(
        self,
        value: str,
        *,
        blocked: bool = False,
        expires_at: datetime | None = None,
        group: str | None = None,
        owner: str | None = None,
        customer_group: str | None = None,
    ) -> None:
        if value.startswith(HASHED_PREFIX):  # the form of a driver's token's stored key
            raise InvalidInput(f"a token value must not start with {HASHED_PREFIX!r}")
        if customer_group is not None:
            customer_group = check_customer_group(customer_group).value
        token = IdToken(
            value=value, blocked=blocked, expires_at=expires_at, group=group, owner=owner,
            customer_group=customer_group,
        )  # fmt: skip
        now = self._clock.now()
        await self._db.write(lambda uow: uow.tokens.save(token, now))
