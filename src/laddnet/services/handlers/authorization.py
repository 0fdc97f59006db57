"""Authorization: may this id token charge?"""

from __future__ import annotations

from datetime import datetime

from laddnet.domain.authorization.model import AuthorizationDecision, IdToken, decide
from laddnet.ports import Clock, UnitOfWorkFactory


class AuthorizationService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def authorize(self, id_token: str) -> AuthorizationDecision:
        async with self._uow() as uow:
            token = await uow.tokens.get(id_token)
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
        async with self._uow() as uow:
            await uow.tokens.save(token, self._clock.now())
            await uow.commit()
