"""Developer sessions: ``nox -s tests``, ``nox -s lint``, ``nox -s bench``, ``nox -s contract``."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (unit tests and integration tests against the fake over loopback)."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy --strict on the package."""
    session.install("-e", ".[dev]")
    session.run("ruff", "check", "amnimo_async", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "amnimo_async", "tests", "benchmarks", "noxfile.py")
    session.run("mypy", "amnimo_async")


@nox.session
def contract(session: nox.Session) -> None:
    """The contract test alone: schemathesis against the fake (also part of ``tests``)."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "amnimo_async._codegen", "--check")
    session.run("pytest", "tests/contract", "tests/test_spec.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks, side by side in one run; prints the tables the README quotes."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "benchmarks", *session.posargs)
