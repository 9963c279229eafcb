"""Endpoint modules of the accounts group."""
