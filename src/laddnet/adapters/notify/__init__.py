"""Outbound notifications: webhook requests over HTTP."""
