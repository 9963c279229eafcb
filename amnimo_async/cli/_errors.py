"""How the command fails: one exit code per kind of failure, so scripts can tell them apart, and
one line on stderr (a traceback only with ``--debug``)."""

from __future__ import annotations

import enum
import sys
import traceback

import typer

from amnimo_async import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ExportError,
    LiveSessionEndedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    ValidationError,
)

from ._config import ConfigError

__all__ = ["EPILOG", "ExitCode", "describe", "exit_code", "fail"]


class ExitCode(enum.IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    CONFIG = 3
    AUTH = 4
    NOT_FOUND = 5
    RATE_LIMITED = 6
    UNAVAILABLE = 7
    INTERRUPTED = 130


EPILOG = (
    "Exit codes: 0 ok; 1 other error; 2 usage or invalid argument (also HTTP 400); "
    "3 credentials or config file; 4 authentication or permission (HTTP 401/403); "
    "5 not found (HTTP 404); 6 rate limited or token quota exhausted (HTTP 429); "
    "7 connection, timeout or server error (5xx, malformed answer); 130 interrupted. An export "
    "or a live session that fails part way exits with the code of what stopped it. "
    "Credentials: AMNIMO_CLIENT_ID, AMNIMO_SECRET_KEY, AMNIMO_BASE_URL, or --profile NAME in "
    "~/.config/amnimo/config.toml ($AMNIMO_CONFIG); the secret is never taken from the command line. "
    "Fleets: --redis-url, a profile's redis_url or AMNIMO_REDIS_URL share one token and one rate "
    "limit through Redis."
)

# First match wins; anything else (other AmnimoErrors included) is ExitCode.ERROR.
_EXIT_CODES: tuple[tuple[tuple[type[BaseException], ...], ExitCode], ...] = (
    ((ValidationError, BadRequestError), ExitCode.USAGE),
    ((ConfigError, ConfigurationError), ExitCode.CONFIG),
    ((AuthenticationError, PermissionDeniedError), ExitCode.AUTH),
    ((NotFoundError,), ExitCode.NOT_FOUND),
    ((RateLimitError,), ExitCode.RATE_LIMITED),
    ((APIConnectionError, ServerError, ResponseValidationError), ExitCode.UNAVAILABLE),
    ((KeyboardInterrupt,), ExitCode.INTERRUPTED),
)


def exit_code(exc: BaseException) -> ExitCode:
    """The exit code for an error the command ends with; a flow that failed part way (an export
    after its create, a live session that ended) has the code of what stopped it."""
    if isinstance(exc, (ExportError, LiveSessionEndedError)) and exc.__cause__ is not None:
        return exit_code(exc.__cause__)  # (a session's end is raised from its reason)
    return next((code for kinds, code in _EXIT_CODES if isinstance(exc, kinds)), ExitCode.ERROR)


def describe(exc: BaseException) -> str:
    """One line for stderr."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, AuthenticationError):
        return f"authentication failed (check the client ID and secret key): {exc}"
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _leaf(exc: BaseException) -> BaseException:
    """The first error inside (nested) exception groups."""
    inner = getattr(exc, "exceptions", None)
    while isinstance(inner, tuple) and inner and isinstance(inner[0], BaseException):
        exc = inner[0]
        inner = getattr(exc, "exceptions", None)
    return exc


def fail(exc: BaseException, *, debug: bool) -> typer.Exit:
    """Report ``exc`` on stderr and return the exit that ends the command with its code."""
    exc = _leaf(exc)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    typer.echo(f"amnimo: error: {describe(exc)}", err=True)
    return typer.Exit(int(exit_code(exc)))
