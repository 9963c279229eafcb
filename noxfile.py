"""Developer sessions: ``nox -s tests`` (every supported Python), ``lint``, ``docs``, ``build``,
``wheel``, ``contract``, ``bench``; ``nox -s ci`` is what CI runs."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

import nox

SUPPORTED_PYTHONS = ["3.10", "3.11", "3.12", "3.13"]  # requires-python >= 3.10; the newest we test

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True
# A Python that cannot be found fails its session (never a silent skip), and nox must not fetch
# one from the internet instead: CI tests the interpreters the machine has.
nox.options.error_on_missing_interpreters = True
nox.options.download_python = "never"

ROOT = Path(__file__).parent
DIST = ROOT / "dist"
LINTED = ["amnimo_async", "tests", "benchmarks", "docs/hooks", "noxfile.py"]


def _select_pyenv_pythons() -> None:
    """Let pyenv's shims run every installed CPython we support, not just the selected one.

    pyenv puts ``python3.10`` ... ``python3.13`` shims on PATH, but a shim runs only a version
    pyenv has selected (``PYENV_VERSION``, which pyenv's own shim sets for the ``python3`` running
    nox, a ``.python-version`` file, or the global version); the others answer "command not
    found". Appending the installed ones to the selection (which stays first, so ``python3`` is
    what it was) makes each installed interpreter usable by nox.
    """
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return
    selected = (
        os.environ.get("PYENV_VERSION")
        or subprocess.run([pyenv, "version-name"], capture_output=True, text=True, check=False).stdout.strip()
    )
    installed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True, check=False)
    ours = [
        version
        for version in installed.stdout.split()
        if re.fullmatch(r"3\.\d+\.\d+", version) and version.rsplit(".", 1)[0] in SUPPORTED_PYTHONS
    ]
    versions = [*selected.split(":"), *ours]
    os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys(v for v in versions if v))


@functools.cache
def present_pythons() -> list[str]:
    """The supported versions whose ``pythonX.Y`` is on PATH and runs, oldest first."""
    _select_pyenv_pythons()
    present = []
    for version in SUPPORTED_PYTHONS:
        executable = shutil.which(f"python{version}")
        if executable is None:
            continue
        ran = subprocess.run([executable, "-c", "pass"], capture_output=True, check=False)
        if ran.returncode == 0:
            present.append(version)
    return present


def ci_pythons() -> list[str]:
    """The oldest and the newest supported Python present; with none present, the oldest and
    newest supported, so that their sessions fail as missing instead of CI testing nothing."""
    versions = present_pythons() or SUPPORTED_PYTHONS
    return sorted({versions[0], versions[-1]}, key=SUPPORTED_PYTHONS.index)


@nox.session(python=SUPPORTED_PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite (unit and integration tests against the fake over loopback, the docs'
    examples) on one Python; the wheel's own test runs in the ``wheel`` session."""
    session.install("-e", ".[dev]")
    ignored = ["tests/packaging/test_wheel.py"]
    if session.python == "3.10":
        # schemathesis >= 4.32 needs Python 3.11 (4.30, the last for 3.10, does not pass our
        # config): the contract test (the fake against the spec) runs on the other versions.
        session.log("Python 3.10: tests/contract is not run (schemathesis >= 4.32 needs 3.11+)")
        ignored.append("tests/contract")
    # Three workers (pytest-xdist): most tests wait on loopback latency, rate limits and child
    # processes, not the CPU, so even a 2-CPU machine runs the suite in about half the time.
    workers = ["--numprocesses", "3"]
    session.run("pytest", *workers, *(f"--ignore={path}" for path in ignored), *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy --strict on the package."""
    session.install("-e", ".[dev]")
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)
    session.run("mypy", "amnimo_async")


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, built strictly: a broken link, reference or docstring fails it.

    ``nox -s docs -- serve`` serves it with live reload instead.
    """
    session.install("-e", ".[docs]")
    session.env["NO_MKDOCS_2_WARNING"] = "1"  # Material's banner about its successor: not about this site
    if session.posargs[:1] == ["serve"]:
        session.run("mkdocs", "serve", *session.posargs[1:])
    else:
        session.run("mkdocs", "build", "--strict", "--site-dir", "site", *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """The sdist and the wheel (built from the sdist) in ``dist/``."""
    session.install("build>=1.2")
    shutil.rmtree(DIST, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(DIST))


@nox.session(requires=["build"])
def wheel(session: nox.Session) -> None:
    """The wheel as users get it: installed into fresh virtual environments, extra by extra."""
    session.install("pytest>=8.0", "pytest-asyncio>=0.23", "pytest-timeout>=2.2")
    session.run(
        "pytest",
        "tests/packaging/test_wheel.py",
        "-p",
        "no:cacheprovider",
        env={"PACKAGE_DIST_DIR": str(DIST)},
    )


@nox.session
def contract(session: nox.Session) -> None:
    """The contract test alone: schemathesis against the fake (also part of ``tests``)."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "amnimo_async._codegen", "--check")
    session.run("pytest", "tests/contract", "tests/spec", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks, side by side in one run; prints the tables the README quotes."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session(python=False, requires=[*(f"tests-{version}" for version in ci_pythons()), "docs", "wheel"])
def ci(session: nox.Session) -> None:
    """What CI runs: the suite on the oldest and the newest supported Python present, the docs
    built strictly, the wheel's test (each a session of its own, run first)."""
    present = present_pythons()
    missing = [version for version in SUPPORTED_PYTHONS if version not in present]
    session.log(f"Pythons supported: {', '.join(SUPPORTED_PYTHONS)}; present: {', '.join(present) or 'none'}")
    if missing:
        session.log(f"not on this machine, so not tested here: {', '.join(missing)}")
    session.log(f"the suite ran on {' and '.join(ci_pythons())}, the oldest and the newest present")
