"""Live events: the outbox relay (publishes committed events to the bus), the live streams of
API clients (SSE, with resumption) and webhooks (subscriptions and signed, retried delivery)."""
