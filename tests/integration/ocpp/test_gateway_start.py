"""What the gateway prepares before it accepts the first station."""

from __future__ import annotations

from laddnet.bootstrap import Container
from laddnet.ocpp import schemas
from laddnet.ocpp.server import ACTIONS, Gateway


async def test_every_validator_is_compiled_before_the_first_station(container: Container) -> None:
    schemas.validator.cache_clear()
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        compiled = schemas.validator.cache_info().currsize
    finally:
        await gateway.stop()
    # A request and a response validator for each action of each version: none is left for the
    # first stations of a reconnect storm to compile on the event loop.
    assert compiled == sum(2 * len(names) for names in ACTIONS.values())
