"""One module per area; each exposes a service class whose methods are the command handlers."""
