"""The command is built on the public package only: no module under ``amnimo_async/cli/`` imports
a private module of the package (``amnimo_async._x``, ``amnimo_async.testing._x``, ``.._x``) or a
private name from one of its public modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import amnimo_async.cli

CLI = Path(amnimo_async.cli.__file__).parent
ROOT = CLI.parent.parent
MODULES = sorted(CLI.rglob("*.py"))


def package_of(path: Path) -> str:
    """The package relative imports in ``path`` start from."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1])


def private_imports(source: str, package: str) -> list[str]:
    """The imports in ``source`` (a module of ``package``) that reach a private part of
    ``amnimo_async`` outside the command's own subpackage; nested imports included."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imports = [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            imports = [(module, [alias.name for alias in node.names])]
        else:
            continue
        for module, names in imports:
            parts = module.split(".")
            if parts[0] != "amnimo_async" or parts[:2] == ["amnimo_async", "cli"]:
                continue  # another distribution, or the command's own modules
            private = [part for part in (*parts[1:], *names) if part.startswith("_")]
            if private:
                problems.append(f"line {node.lineno}: {module} ({', '.join(private)})")
    return problems


def test_every_cli_module_is_checked() -> None:
    assert {path.name for path in MODULES} >= {"__init__.py", "_app.py", "_runtime.py", "_output.py"}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_cli_imports_only_the_public_package(path: Path) -> None:
    assert private_imports(path.read_text(encoding="utf-8"), package_of(path)) == []


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("from amnimo_async._client import AsyncAmnimo", True),
        ("import amnimo_async._errors", True),
        ("from .._file_cache import FileTokenCache", True),
        ("from ..testing._server import FakeServer", True),
        ("from amnimo_async import _converter", True),
        ("from .. import _logging", True),
        ("def f():\n    from amnimo_async._models import Media", True),
        ("from amnimo_async import AsyncAmnimo", False),
        ("from amnimo_async.testing import FakeAmnimo", False),
        ("from ..testing import DataProfile", False),
        ("from ._runtime import call", False),
        ("from . import _output", False),
        ("import anyio._core", False),
    ],
)
def test_the_check_tells_private_imports_apart(source: str, flagged: bool) -> None:
    assert bool(private_imports(source, "amnimo_async.cli")) is flagged
