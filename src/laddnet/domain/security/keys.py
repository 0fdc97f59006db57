"""What a master key looks like: 32 random bytes, written as base64 or hex."""

from __future__ import annotations

import base64

KEY_BYTES = 32


def parse_master_key(text: str) -> bytes:
    """The key's bytes; ValueError for anything but 32 bytes, or an obvious placeholder."""
    text = text.strip()
    try:
        if len(text) == 2 * KEY_BYTES:
            raw = bytes.fromhex(text)
        else:
            padded = text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4)
            raw = base64.urlsafe_b64decode(padded)
    except ValueError:
        raw = b""
    if len(raw) != KEY_BYTES:
        raise ValueError("a master key is 32 random bytes, base64 or hex encoded")
    if len(set(raw)) < 8:
        raise ValueError("this master key is a placeholder, not random bytes")
    return raw
