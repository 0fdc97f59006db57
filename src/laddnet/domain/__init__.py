"""The pure core of Laddnet: dataclasses, enums, Decimal and functions; no I/O, no clock.

Every business rule (status reduction, meter sanity checks, authorization decisions) lives here.
"""
