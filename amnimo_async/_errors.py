"""The exception tree: every error the SDK raises is an :class:`AmnimoError`.

Messages name the request (method and URL, which carry ids but never credentials) and what the
server said; no secret, Basic header or bearer token ever reaches an exception.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._logging import redactor

UNDECODABLE_JSON = (ValueError, RecursionError)
"""What ``json.loads`` raises for bytes it cannot decode (RecursionError: nested deeper than the
parser goes, which a hostile body or a damaged file can be)."""

if TYPE_CHECKING:
    from ._models import ErrorDetail

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AmnimoError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "ServerError",
    "ValidationError",
]


class AmnimoError(Exception):
    """Base class of every error raised by amnimo-async.

    ``attempts``: how many times the request was sent before this error was raised (0 for an
    error raised before sending, such as :class:`ValidationError`).
    """

    attempts: int = 0


class ValidationError(AmnimoError, ValueError):
    """An argument breaks a documented constraint; raised before anything is sent.

    ``argument`` is the Python name of the offending argument.
    """

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"{argument}: {message}")


class ConfigurationError(AmnimoError, ValueError):
    """The client cannot be built as asked (missing credentials, bad settings)."""


class APIConnectionError(AmnimoError):
    """The request did not get an answer: connection refused or reset, protocol error."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        self.method = method
        self.url = url
        super().__init__(f"{message} ({method} {url})")


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, write, read, or waiting for a pooled connection)."""


# A token field's value in a JSON snippet, closed or cut off by the snippet's end.
_TOKEN_VALUE = re.compile(r'("[A-Za-z_]*token"\s*:\s*")[^"]*', re.IGNORECASE)


class ResponseValidationError(AmnimoError):
    """A success answer whose body is not what the API documents (not JSON, missing fields).

    ``snippet`` is the start of the body with any token value in it redacted (a malformed token
    answer may still carry a live access token).
    """

    def __init__(
        self, reason: str, *, operation: str, status_code: int, method: str, url: str, snippet: str
    ) -> None:
        snippet = redactor.scrub(_TOKEN_VALUE.sub(r"\1[redacted]", snippet))
        self.reason = reason
        self.operation = operation
        self.status_code = status_code
        self.method = method
        self.url = url
        self.snippet = snippet
        super().__init__(
            f"{operation}: unexpected answer to {method} {url} (HTTP {status_code}): {reason}; "
            f"body starts {snippet!r}"
        )


class APIStatusError(AmnimoError):
    """The server answered with an error status.

    ``errors`` is the parsed error body (``[{ts, status, message, details}]``), empty when the body
    was not in the documented shape; ``body`` keeps the raw text (shortened).
    """

    def __init__(
        self,
        *,
        status_code: int,
        method: str,
        url: str,
        errors: Sequence[ErrorDetail] = (),
        body: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.url = url
        self.errors = tuple(errors)
        self.body = body
        self.retry_after = retry_after
        detail = self.errors[0].message if self.errors and self.errors[0].message else body[:200]
        text = f"HTTP {status_code} for {method} {url}"
        super().__init__(f"{text}: {detail}" if detail else text)

    @property
    def message(self) -> str | None:
        """The first error message the server gave, if any."""
        return self.errors[0].message if self.errors else None


class BadRequestError(APIStatusError):
    """400: the server rejected the arguments."""


class AuthenticationError(APIStatusError):
    """401: unknown client credentials or bearer token."""


class PermissionDeniedError(APIStatusError):
    """403: the resource is outside this client's account (a fresh token was refused)."""


class NotFoundError(APIStatusError):
    """404: no such account, subscription, camera, media, device, port or stream."""


class RateLimitError(APIStatusError):
    """429: over the client ID's rate limit (or the monthly token quota), retries exhausted."""


class ServerError(APIStatusError):
    """5xx: the server failed."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an HTTP error status."""
    if status_code >= 500:
        return ServerError
    return _BY_STATUS.get(status_code, APIStatusError)


TRANSIENT_ERRORS: tuple[type[AmnimoError], ...] = (
    APIConnectionError,
    ServerError,
    RateLimitError,
    ResponseValidationError,
)
"""Faults after which the same call may get through later (each request already retried by the
client's policy): what the flows that poll or keep a session alive ride out."""
