"""The version lives in one place, ``amnimo_async.__version__``: the metadata and the changelog follow it."""

from __future__ import annotations

import importlib.metadata
import sys

import amnimo_async

from ._source import REPO, source_version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def test_pyproject_takes_the_version_from_the_package() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "amnimo_async/__init__.py"


def test_the_installed_metadata_has_the_package_version() -> None:
    assert importlib.metadata.version("amnimo-async") == amnimo_async.__version__ == source_version()


def test_the_changelog_has_a_section_for_the_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{amnimo_async.__version__}]" in changelog
