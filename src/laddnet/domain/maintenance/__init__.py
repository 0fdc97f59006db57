"""Fault detection and maintenance: the service status drivers and operators rely on, alert
rules and their evaluation, maintenance mode. Pure: facts in, decisions out."""
