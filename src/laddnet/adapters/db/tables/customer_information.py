"""Customer information reports (migration 0020): the parts of the NotifyCustomerInformation
messages a station sends after a customer-information command, one row per part, the data
encrypted like drivers' personal data (the field cipher, field `customer_information`)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, String, Table, Text

from laddnet.adapters.db.tables.base import metadata
from laddnet.adapters.db.types import UtcDateTime

__all__ = ["customer_information_parts"]

customer_information_parts = Table(
    "customer_information_parts",
    metadata,
    Column("station_id", String(48), primary_key=True),
    Column("request_id", Integer, primary_key=True, autoincrement=False),
    Column("seq_no", Integer, primary_key=True, autoincrement=False),
    Column("data_enc", Text, nullable=False),
    Column("tbc", Boolean, nullable=False),
    Column("generated_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)
