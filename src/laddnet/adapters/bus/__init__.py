"""Event buses: carry published events to every subscriber. `memory` is the embedded default
(one process); a multi-node bus (Redis, NATS) implements the same `EventBus` port."""
