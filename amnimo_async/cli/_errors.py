"""Exit codes: one per kind of failure, so scripts can tell them apart."""

from __future__ import annotations

import enum

from .._errors import (
    AmnimoError,
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    ValidationError,
)
from ._config import ConfigError


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
    "7 connection, timeout or server error (5xx, malformed answer); 130 interrupted. "
    "Credentials: AMNIMO_CLIENT_ID, AMNIMO_SECRET_KEY, AMNIMO_BASE_URL, or --profile NAME in "
    "~/.config/amnimo/config.toml ($AMNIMO_CONFIG); the secret is never taken from the command line."
)


def exit_code(exc: BaseException) -> ExitCode:
    """The exit code for an error the command ends with."""
    if isinstance(exc, (ValidationError, BadRequestError)):
        return ExitCode.USAGE
    if isinstance(exc, (ConfigError, ConfigurationError)):
        return ExitCode.CONFIG
    if isinstance(exc, (AuthenticationError, PermissionDeniedError)):
        return ExitCode.AUTH
    if isinstance(exc, NotFoundError):
        return ExitCode.NOT_FOUND
    if isinstance(exc, RateLimitError):
        return ExitCode.RATE_LIMITED
    if isinstance(exc, (APIConnectionError, ServerError, ResponseValidationError)):
        return ExitCode.UNAVAILABLE
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(exc, AmnimoError):
        return ExitCode.ERROR
    return ExitCode.ERROR


def describe(exc: BaseException) -> str:
    """One line for stderr."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, AuthenticationError):
        return f"authentication failed (check the client ID and secret key): {exc}"
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
