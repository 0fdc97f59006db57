"""Stations, EVSEs and connectors: what each one is doing, reduced from station reports."""
