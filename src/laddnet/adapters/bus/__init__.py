"""The message bus between Laddnet nodes: NATS (nats.py) for several processes and nodes; the
in-process default needs no bus at all (one process holds every station)."""
