"""Request ids for the OCPP calls whose follow-up messages echo them (firmware, logs)."""

from __future__ import annotations

import secrets


def new_request_id() -> int:
    """A positive 31-bit id, unpredictable so two nodes do not hand out the same one."""
    return secrets.randbelow(2**31 - 2) + 1
