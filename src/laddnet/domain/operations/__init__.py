"""Station operations: configuration read back from stations, firmware updates, log uploads,
reservations and local authorization lists, version-neutral."""
