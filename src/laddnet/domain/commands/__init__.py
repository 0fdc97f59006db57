"""Commands an operator sends to a station (reset, unlock, ...): their names, outcomes and the
record kept of each, in version-neutral words."""
