"""The code generator: ``openapi.yaml`` -> the operation table and the enums (checked-in Python).

``python -m amnimo_async._codegen`` writes ``amnimo_async/_operations.py`` and
``amnimo_async/_enums.py``; ``--check`` only says whether they are current (exit 1 if not).
A development tool (it needs PyYAML and ruff): the package never imports it at run time, and
the wheel leaves it out.
"""

from ._generate import GENERATED, generate, stale

__all__ = ["GENERATED", "generate", "stale"]
