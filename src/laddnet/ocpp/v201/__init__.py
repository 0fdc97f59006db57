"""OCPP 2.0.1: translation between 2.0.1 payloads and version-neutral commands, one handler per
action. Its vocabulary (Station → EVSE → Connector) is already ours.
"""
