"""Endpoint modules of the media group."""
