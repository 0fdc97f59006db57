"""The password policy for people: long enough, not too long, and not a common password."""

from __future__ import annotations

from collections.abc import Container

MIN_LENGTH = 12
MAX_LENGTH = 256


def password_problem(password: str, common: Container[str], email: str = "") -> str | None:
    """Why `password` is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a password has at most {MAX_LENGTH} characters"
    if password.strip() != password:
        return "a password may not begin or end with white space"
    lowered = password.lower()
    if lowered in common:
        return "this password is on the list of common passwords; choose another"
    if len(set(lowered)) < 4:
        return "a password needs at least 4 different characters"
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        return "a password may not contain the account's e-mail name"
    return None
