"""Authorization: may this id token charge?"""

from __future__ import annotations

from datetime import datetime

from laddnet.domain.authorization.model import AuthorizationDecision, IdToken, decide
from laddnet.ports import Clock, Database


class AuthorizationService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def authorize(self, id_token: str) -> AuthorizationDecision:
        token = await self._db.read(lambda uow: uow.tokens.get(id_token))
        return decide(token, self._clock.now())

    async def add_token(
        self,
        value: str,
        *,
        blocked: bool = False,
        expires_at: datetime | None = None,
        group: str | None = None,
        owner: str | None = None,
    ) -> None:
        token = IdToken(
            value=value, blocked=blocked, expires_at=expires_at, group=group, owner=owner
        )
        now = self._clock.now()
        await self._db.write(lambda uow: uow.tokens.save(token, now))
