"""What a station's registration must look like: its id and its basic-auth password."""

from __future__ import annotations

import math
from collections import Counter

from laddnet.domain.errors import InvalidInput

# OCPP security profile 1: the basic-auth password is 16 to 40 characters.
MIN_PASSWORD, MAX_PASSWORD = 16, 40
# ADR 4 hashes station passwords cheaply because they are long and random; this refuses the
# ones that are long but not random ("aaaaaaaaaaaaaaaa", "abababababababab").
MIN_PASSWORD_BITS = 34
MAX_STATION_ID = 48
MAX_DISPLAY_NAME = 100


def check_station_id(station_id: str, where: str = "") -> None:
    if not 1 <= len(station_id) <= MAX_STATION_ID or not station_id.isprintable():
        raise InvalidInput(f"{where}station id must be 1-{MAX_STATION_ID} printable characters")
    if ":" in station_id or "/" in station_id:
        raise InvalidInput(f"{where}station id must not contain ':' or '/'")


def check_password(password: str, where: str = "") -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"{where}password must be {MIN_PASSWORD}-{MAX_PASSWORD} characters (OCPP profile 1)"
        )
    if variety_bits(password) < MIN_PASSWORD_BITS:
        raise InvalidInput(
            f"{where}password has too little variety: use a random one, e.g. "
            "`openssl rand -hex 12` (letters and digits mixed, few repeats)"
        )


def variety_bits(password: str) -> float:
    """The password's length times the Shannon entropy of its own characters: 0 for one
    repeated character, 16 for two alternating ones, about 50-60 for 16 random hex digits."""
    counts = Counter(password)
    n = len(password)
    return -sum(c * math.log2(c / n) for c in counts.values())
