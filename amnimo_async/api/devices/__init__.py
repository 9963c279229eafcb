"""Endpoint modules of the devices group."""
