"""Adapters: the real things behind the ports (database today; bus, payments, notify later)."""
