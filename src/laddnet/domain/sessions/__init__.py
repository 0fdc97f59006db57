"""Charging sessions and their meter samples, with the sanity checks run before billing."""
