"""Generating the checked-in modules from the spec, and telling whether they are current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from ._read import SpecReader
from ._render import enums_module, operations_module

PACKAGE = Path(__file__).resolve().parent.parent
SPEC = PACKAGE / "openapi.yaml"
GENERATED = (PACKAGE / "_operations.py", PACKAGE / "_enums.py")


def sources() -> dict[Path, str]:
    """What each generated file should hold, formatted as the project formats its code."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    table = SpecReader(spec).read()
    operations, enums = GENERATED
    return {
        operations: _formatted(operations, operations_module(table)),
        enums: _formatted(enums, enums_module(table)),
    }


def _formatted(path: Path, source: str) -> str:
    """``source`` through ``ruff format`` (the project's settings, found from ``path``)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ruff could not format the generated {path.name}: {done.stderr.strip()}")
    return done.stdout


def generate() -> list[Path]:
    """Write every generated file; answers the paths written."""
    written = []
    for path, source in sources().items():
        path.write_text(source, encoding="utf-8")
        written.append(path)
    return written


def stale() -> list[Path]:
    """The generated files that are missing or differ from what the spec makes."""
    return [
        path
        for path, source in sources().items()
        if not path.exists() or path.read_text(encoding="utf-8") != source
    ]
