"""Settings: database URL mapping, LADDNET_* variables, the production secret check."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from laddnet.config import DEFAULT_DATABASE_URL, Settings, driver_database_url


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("LADDNET_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///./laddnet.db", "sqlite:///./laddnet.db"),
        ("sqlite:////var/lib/laddnet.db", "sqlite:////var/lib/laddnet.db"),
        ("postgresql://u:p@db:5432/laddnet", "postgresql+psycopg://u:p@db:5432/laddnet"),
        ("postgres://u@db/laddnet", "postgresql+psycopg://u@db/laddnet"),
        ("postgresql+psycopg://u@db/l", "postgresql+psycopg://u@db/l"),
        ("postgresql+psycopg2://u@db/l", "postgresql+psycopg://u@db/l"),
        ("postgresql+asyncpg://u@db/l", "postgresql+psycopg://u@db/l"),
        ("sqlite+pysqlite:///x.db", "sqlite:///x.db"),
        # Only the scheme changes, even if "://" appears again later.
        ("postgresql://u:a://b@db/l", "postgresql+psycopg://u:a://b@db/l"),
    ],
)
def test_driver_database_url(url: str, expected: str) -> None:
    assert driver_database_url(url) == expected


@pytest.mark.parametrize(
    "url",
    ["mysql://u@db/l", "http://x", "laddnet.db", "", "sqlite:/x.db", "SQLITE:///x.db"],
)
def test_driver_database_url_rejects_other_schemes(url: str) -> None:
    with pytest.raises(ValueError, match="database"):
        driver_database_url(url)


def test_defaults_without_environment() -> None:
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.is_sqlite
    assert settings.driver_database_url.startswith("sqlite://")


def test_settings_read_laddnet_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LADDNET_DATABASE_URL", "postgres://u@db:5432/laddnet")
    monkeypatch.setenv("LADDNET_OCPP_PORT", "9100")
    monkeypatch.setenv("LADDNET_PING_INTERVAL", "12.5")
    monkeypatch.setenv("OCPP_PORT", "1")  # no prefix: ignored
    settings = Settings()
    assert settings.driver_database_url == "postgresql+psycopg://u@db:5432/laddnet"
    assert not settings.is_sqlite
    assert settings.ocpp_port == 9100
    assert settings.ping_interval == 12.5


def test_settings_refuse_a_bad_database_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LADDNET_DATABASE_URL", "mysql://u@db/l")
    with pytest.raises(ValidationError, match="unsupported database scheme"):
        Settings()


def test_settings_refuse_a_non_integer_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LADDNET_OCPP_PORT", "ninety")
    with pytest.raises(ValidationError):
        Settings()


def test_the_bus_url_is_nats_or_unset() -> None:
    from pydantic import ValidationError

    from laddnet.config import Settings

    assert Settings(bus_url=None).bus_url is None
    assert Settings(bus_url="").bus_url is None
    both = "nats://a:4222,nats://b:4222"
    assert Settings(bus_url=both).bus_url == both
    with pytest.raises(ValidationError):
        Settings(bus_url="redis://127.0.0.1:6379")


def test_the_bus_namespace_is_one_or_more_subject_tokens() -> None:
    from pydantic import ValidationError

    from laddnet.config import Settings

    assert Settings().bus_namespace == "laddnet"
    assert Settings(bus_namespace="acme.staging-2").bus_namespace == "acme.staging-2"
    for bad in ("", "a b", "a.*", "a.>", "a..b", ".a"):
        with pytest.raises(ValidationError, match="bus_namespace"):
            Settings(bus_namespace=bad)


def test_production_refuses_to_start_without_a_master_key_or_with_a_placeholder() -> None:
    import base64
    import secrets

    import pytest
    from pydantic import ValidationError

    from laddnet.config import Settings

    with pytest.raises(ValidationError, match="production needs LADDNET_MASTER_KEY"):
        Settings(env="production")
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(env="production", master_key="00" * 32)
    with pytest.raises(ValidationError, match="32 random bytes"):
        Settings(master_key="changeme")
    real = base64.b64encode(secrets.token_bytes(32)).decode()
    assert Settings(env="production", master_key=real).env == "production"


def test_requiring_firmware_signatures_needs_a_signing_ca() -> None:
    with pytest.raises(ValueError, match="LADDNET_FIRMWARE_SIGNING_CA"):
        Settings(firmware_require_signature=True)
    settings = Settings(firmware_signing_ca="ca.pem", firmware_require_signature=True)
    assert settings.firmware_require_signature
    assert Settings(firmware_url_prefix="").firmware_url_prefix is None
