"""OCPP 1.6J: translation between 1.6 payloads and version-neutral commands, one handler per
action. Connector N of 1.6 is EVSE N, connector 1; connector 0 is the station itself.
"""
