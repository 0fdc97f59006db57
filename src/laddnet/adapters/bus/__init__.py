"""Buses between the parts of Laddnet: `memory` carries published events within one process
(the embedded default); `nats` joins several processes and nodes (commands to a station on
another node, presence, and the same events for every node's streams)."""
