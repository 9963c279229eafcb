"""Endpoint modules of the streams group."""
