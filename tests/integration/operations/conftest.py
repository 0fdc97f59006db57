"""The commands' live gateway and API, reused for station operations."""

from tests.integration.commands.conftest import Live, live

__all__ = ["Live", "live"]
