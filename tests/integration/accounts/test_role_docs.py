"""docs/security.md prints the role table exactly as the code has it."""

from __future__ import annotations

from pathlib import Path

from laddnet.domain.accounts.roles import role_table_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"


def test_the_documented_role_table_is_the_one_in_the_code() -> None:
    assert role_table_markdown() in DOC.read_text("utf-8")
