"""Tariffs with OCPI 2.2.1 semantics and the pure pricing engine: a session's usage, a tariff
version and the site's time zone in, priced lines with exact Decimal totals out."""
