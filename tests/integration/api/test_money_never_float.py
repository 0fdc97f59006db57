"""Money is never a float: no database column can hold a binary float, and no API schema field
for money (prices, amounts, totals, VAT, balances) is a JSON number."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, Numeric
from sqlalchemy.types import TypeDecorator

from laddnet.adapters.db.money import Amount
from laddnet.adapters.db.tables import metadata
from laddnet.api.app import create_app
from laddnet.bootstrap import Container

MONEY_WORDS = {
    "price",
    "amount",
    "total",
    "vat",
    "cost",
    "debit",
    "credit",
    "balance",
    "revenue",
    "cap",
}


def is_money(name: str) -> bool:
    return bool(MONEY_WORDS & set(name.lower().split("_")))


def _types(schema: dict[str, Any]) -> set[str]:
    found = {schema["type"]} if isinstance(schema.get("type"), str) else set()
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            found |= _types(option)
    if "items" in schema:
        found |= _types(schema["items"])
    return found


def test_no_column_holds_a_float_and_money_columns_are_exact() -> None:
    floats, money = [], []
    for table in metadata.sorted_tables:
        for column in table.columns:
            kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
            if isinstance(kind, Float | Numeric):
                floats.append(f"{table.name}.{column.name}")
            exact = isinstance(column.type, Amount | JSON)  # JSON holds amounts as strings
            if is_money(column.name) and not exact:
                money.append(f"{table.name}.{column.name}: {column.type!r}")
    assert floats == []
    # Money columns are Amount (integer ten-thousandths); a VAT rate is exact text.
    assert money == ["sites.vat_percent: String(length=8)"]
    amounts = {
        c.name for t in metadata.sorted_tables for c in t.columns if isinstance(c.type, Amount)
    }
    assert amounts == {"total_excl_vat", "total_vat", "total_incl_vat", "debit", "credit"}


def test_no_money_field_of_the_api_is_a_json_number(container: Container) -> None:
    schemas = create_app(container).openapi()["components"]["schemas"]
    offenders, checked = [], 0
    for name, schema in schemas.items():
        for field, spec in schema.get("properties", {}).items():
            if is_money(field) and field != "total":  # `total` alone: a page's item count
                checked += 1
                if "number" in _types(spec):
                    offenders.append(f"{name}.{field}")
    assert offenders == []
    assert checked > 20  # the tariff, CDR, ledger and revenue schemas were all looked at
