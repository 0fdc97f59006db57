"""Drivers: the people who charge, and the personal data Laddnet keeps about them (encrypted
field by field in storage, erasable on request)."""
