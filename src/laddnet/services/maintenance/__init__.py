"""Fault detection and maintenance: service statuses kept current from committed events,
alerts opened and closed by rules on events and a timer, maintenance mode."""
