"""Code generators: each writes a checked-in module from the package's own code (``--check``: stale?)."""
