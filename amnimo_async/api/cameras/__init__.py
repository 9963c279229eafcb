"""Endpoint modules of the cameras group."""
