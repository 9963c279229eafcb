"""The package as users get it: the wheel's contents, and the wheel installed into a fresh virtual
environment, extra by extra, doing what the README promises.

``nox -s wheel`` builds the sdist and the wheel (``nox -s build``, the wheel built from the sdist)
and points ``PACKAGE_DIST_DIR`` at them; run alone, this module builds them itself. Dependencies
come from the package index; the package itself only from the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from ._source import REPO, source_version

RUNTIME_DEPENDENCIES = {"aiolimiter", "anyio", "attrs", "cattrs", "httpx"}
INSTALL_TIMEOUT = 600


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("PACKAGE_DIST_DIR")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], check=True)
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {dist}, found {[w.name for w in wheels]}"
    return wheels[0]


def test_the_sdist_and_the_wheel_are_named_for_the_version(dist: Path, wheel: Path) -> None:
    version = source_version()
    assert wheel.name == f"amnimo_async-{version}-py3-none-any.whl"
    assert [sdist.name for sdist in dist.glob("*.tar.gz")] == [f"amnimo_async-{version}.tar.gz"]


def test_the_wheel_ships_the_package_data_and_no_development_tools(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"amnimo_async-{source_version()}.dist-info/METADATA").decode()
        entry_points = archive.read(f"amnimo_async-{source_version()}.dist-info/entry_points.txt").decode()
    for shipped in (
        "amnimo_async/py.typed",
        "amnimo_async/openapi.yaml",
        "amnimo_async/_redis_gcra.lua",
        "amnimo_async/testing/pytest_plugin.py",
        "amnimo_async/cli/__init__.py",
    ):
        assert shipped in names
    assert not [name for name in names if name.startswith("amnimo_async/_codegen/")]
    assert not [name for name in names if name.startswith(("tests/", "benchmarks/", "docs/"))]
    assert {name.split("/")[0] for name in names} == {
        "amnimo_async",
        f"amnimo_async-{source_version()}.dist-info",
    }
    assert f"\nVersion: {source_version()}\n" in metadata
    assert "amnimo = amnimo_async.cli:main" in entry_points
    assert "amnimo_async = amnimo_async.testing.pytest_plugin" in entry_points


class VirtualEnvironment:
    """A fresh virtual environment (with pip) and ways to run its programs."""

    def __init__(self, path: Path) -> None:
        venv.EnvBuilder(with_pip=True, clear=True).create(path)
        self.bin = path / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.bin / "python"

    def run(self, *command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run a program of the environment (``python``, ``amnimo``...), outside the repository."""
        program, *arguments = command
        return subprocess.run(
            [str(self.bin / program), *map(str, arguments)],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=INSTALL_TIMEOUT,
            env={**os.environ, "PYTHONPATH": ""},
        )

    def install(self, requirement: str) -> None:
        done = self.run(
            "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement
        )
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> VirtualEnvironment:
    return VirtualEnvironment(tmp_path_factory.mktemp("venv"))


@pytest.fixture(scope="module")
def installed(environment: VirtualEnvironment, wheel: Path) -> VirtualEnvironment:
    environment.install(str(wheel))
    return environment


@pytest.fixture(scope="module")
def with_testing(installed: VirtualEnvironment, wheel: Path) -> VirtualEnvironment:
    installed.install(f"{wheel}[testing]")
    return installed


@pytest.fixture(scope="module")
def with_cli(with_testing: VirtualEnvironment, wheel: Path) -> VirtualEnvironment:
    with_testing.install(f"{wheel}[cli]")
    return with_testing


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory outside the repository, so nothing is imported from the source tree."""
    return tmp_path


def test_the_package_needs_exactly_its_five_runtime_dependencies(installed: VirtualEnvironment) -> None:
    shown = installed.run("python", "-m", "pip", "show", "amnimo-async")
    requires = next(line for line in shown.stdout.splitlines() if line.startswith("Requires:"))
    assert {name.strip() for name in requires.removeprefix("Requires:").split(",")} == RUNTIME_DEPENDENCIES


def test_the_installed_package_is_the_wheel_at_its_version(
    installed: VirtualEnvironment, elsewhere: Path
) -> None:
    script = (
        "import importlib.metadata, pathlib, amnimo_async;"
        "print(amnimo_async.__version__, importlib.metadata.version('amnimo-async'));"
        "print(pathlib.Path(amnimo_async.__file__).parent.joinpath('py.typed').is_file())"
    )
    done = installed.run("python", "-c", script, cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [source_version(), source_version(), "True"]
    where = installed.run("python", "-c", "import amnimo_async; print(amnimo_async.__file__)", cwd=elsewhere)
    assert "site-packages" in where.stdout


def test_the_testing_extra_serves_a_fake_the_sdk_talks_to(
    with_testing: VirtualEnvironment, elsewhere: Path
) -> None:
    script = """
from amnimo_async import Amnimo
from amnimo_async.testing import FakeAmnimo

with FakeAmnimo(seed=1).serve() as server:
    with Amnimo(server.client_id, server.secret_key, base_url=server.base_url) as amnimo:
        root = amnimo.accounts.hierarchy(server.account_id)
    print("subscriptions:", len(root.subscription_ids()), "token calls:", server.journal.token_calls)
"""
    done = with_testing.run("python", "-c", script, cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "subscriptions: 3 token calls: 1"


def test_amnimo_demo_runs_from_the_cli_extra(with_cli: VirtualEnvironment, elsewhere: Path) -> None:
    done = with_cli.run("amnimo", "demo", "--scale", "0.05", "--output", "demo.jsonl", cwd=elsewhere)
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    records = (elsewhere / "demo.jsonl").read_text(encoding="utf-8").splitlines()
    assert last.startswith("the fake served ")
    assert last.endswith(f"wrote {len(records):,} records to {(elsewhere / 'demo.jsonl').resolve()}")
    assert len(records) > 1000
    assert "demo inventory" in done.stdout


def test_amnimo_help_lists_the_commands(with_cli: VirtualEnvironment, elsewhere: Path) -> None:
    done = with_cli.run("amnimo", "--help", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    for command in ("inventory", "hierarchy", "demo", "cameras", "media", "devices", "stream", "token"):
        assert f"\n  {command} " in done.stdout
