"""A live gateway and API whose stations have never had their configuration read."""

from collections.abc import AsyncIterator

import pytest

from laddnet.bootstrap import Container
from tests.integration.commands.conftest import Live, live_gateway


@pytest.fixture
async def live(container: Container) -> AsyncIterator[Live]:
    async with live_gateway(container, configuration_read=False) as running:
        yield running
