"""Endpoint modules of the auth group."""
