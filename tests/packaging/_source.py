"""What the source tree says about the package, read without importing it (the wheel's test runs
in an environment where the package is not installed)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VERSION_FILE = REPO / "amnimo_async" / "__init__.py"


def source_version() -> str:
    """The ``__version__ = "..."`` of ``amnimo_async/__init__.py``."""
    for node in ast.parse(VERSION_FILE.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, str)
            return value
    raise AssertionError(f"{VERSION_FILE} sets no __version__")
