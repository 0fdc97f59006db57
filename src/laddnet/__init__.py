"""Laddnet: an open-source charging-network management system (CSMS).

Stations connect over OCPP; operators use the HTTP API. See docs/architecture.md.
"""

__version__ = "0.1.0"
