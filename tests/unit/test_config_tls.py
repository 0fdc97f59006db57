"""TLS settings come in working combinations or not at all, each mistake naming its variable."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from laddnet.config import Settings


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"tls_cert": "c.pem"}, "tls_key", "LADDNET_TLS_CERT needs LADDNET_TLS_KEY"),
        ({"tls_key": "k.pem"}, "tls_key", "needs LADDNET_TLS_CERT"),
        ({"station_ca": "ca.pem"}, "station_ca", "needs LADDNET_TLS_KEY"),
        ({"tls_cert": "c", "tls_key": "k", "station_crl": "crl"}, "station_crl", "STATION_CA"),
        ({"tls_cert_2": "c2", "tls_key_2": "k2"}, "tls_cert_2", "needs LADDNET_TLS_KEY"),
        (
            {"tls_cert": "c", "tls_key": "k", "tls_cert_2": "c2"},
            "tls_key_2",
            "LADDNET_TLS_CERT_2 needs LADDNET_TLS_KEY_2",
        ),
        (
            {"tls_cert": "c", "tls_key": "k", "tls_key_2": "k2"},
            "tls_key_2",
            "needs LADDNET_TLS_CERT_2",
        ),
    ],
)
def test_tls_files_that_cannot_work_alone_are_refused(
    given: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(**given)  # type: ignore[arg-type]
    error = refused.value.errors()[0]
    assert error["loc"] == (field,)
    assert message in error["msg"]


def test_tls_is_off_by_default_and_empty_values_are_unset() -> None:
    assert Settings().tls_cert is None
    assert Settings(tls_cert="", tls_key="").tls_cert is None  # type: ignore[arg-type]
    full = Settings(tls_cert="c", tls_key="k", station_ca="ca", station_crl="crl")  # type: ignore[arg-type]
    assert (full.ocpp_tls_port, full.ocpp_mtls_port) == (9443, 9444)
