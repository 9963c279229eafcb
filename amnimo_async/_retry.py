"""When to retry and how long to wait: the policy, separate from the sending."""

from __future__ import annotations

import random
import time
from email.utils import parsedate_to_datetime

import attrs
import httpx

DEFAULT_MAX_RETRIES = 5

# These fail before the request can reach the server, so even a non-idempotent call is safe.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@attrs.frozen
class RetryPolicy:
    """Capped exponential backoff with full jitter; ``Retry-After`` wins when the server sends it.

    * 429 is retried for every call: the server refused it before doing anything.
    * 5xx, timeouts and broken connections are retried only for idempotent calls (GET, PUT,
      DELETE and the two media searches); media create and port operation are never repeated
      once the request may have reached the server.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0

    def backoff(self, attempt: int, *, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return (rng or random).uniform(ceiling / 2, ceiling)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return self.backoff(attempt)

    @staticmethod
    def never_sent(error: httpx.TransportError) -> bool:
        """Whether the request failed before any of it could reach the server."""
        return isinstance(error, _NEVER_SENT)

    @classmethod
    def may_retry_transport_error(cls, error: httpx.TransportError, idempotent: bool) -> bool:
        return idempotent or cls.never_sent(error)

    @staticmethod
    def may_retry_status(status_code: int, idempotent: bool) -> bool:
        return status_code == 429 or (idempotent and status_code >= 500)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """``Retry-After`` in seconds (either form the RFC allows), or None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
