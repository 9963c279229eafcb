"""Code generators: each writes checked-in Python from the package's own sources.

- ``python -m amnimo_async._codegen``: ``openapi.yaml`` -> ``_operations.py`` (the operation table)
  and ``_enums.py``.
- ``python -m amnimo_async._codegen.sync_surface``: ``AsyncAmnimo`` -> ``_sync_client.py`` (the
  typed blocking client).

``--check`` only says whether the files are current (exit 1 if not). Development tools (they need
PyYAML and ruff): the package never imports them at run time, and the wheel leaves them out.
"""

from ._generate import GENERATED, generate, stale

__all__ = ["GENERATED", "generate", "stale"]
