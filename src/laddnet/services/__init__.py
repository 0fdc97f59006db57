"""Use cases: each handler runs in one unit of work and commits before it returns.

The OCPP gateway answers a station only after a handler has returned, so every acknowledged
message is already stored.
"""
