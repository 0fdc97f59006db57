"""Station simulator: a pure OCPP 1.6J / 2.0.1 client over real WebSockets.

Used by `laddnet simulate`, the integration tests and the load benchmark; imports nothing else
from laddnet.
"""
