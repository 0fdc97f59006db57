"""Conformance tests run against the real gateway and API (tests/integration/commands)."""

from tests.integration.commands.conftest import live  # noqa: F401 - the fixture, shared
