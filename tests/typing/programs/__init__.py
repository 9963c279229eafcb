"""User programs for the typing tests (read by mypy, never run)."""
