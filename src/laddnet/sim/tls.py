"""TLS for simulated stations: the context a wss:// station connects with."""

from __future__ import annotations

import ssl


def client_context(
    ca_file: str | None, cert: str | None = None, key: str | None = None
) -> ssl.SSLContext:
    """Trust `ca_file` (default: the system's CAs) and, for security profile 3, present the
    client certificate `cert` with `key`. TLS 1.2 at least, as OCPP asks of stations."""
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if cert is not None:
        context.load_cert_chain(cert, key)
    return context
