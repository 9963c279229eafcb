"""Journal: a record of every request the fake answered, with counters for assertions."""

from __future__ import annotations

import threading
from collections import Counter

import attrs

TOKEN_ROUTE = "issueToken"


@attrs.frozen
class JournalEntry:
    """One request: when (fake clock), who, what, how it ended, and how long it took.

    ``status`` is 0 when the connection was dropped without an answer; ``fault`` names the
    kind of fault injected into the call, if any.
    """

    time: float
    client_id: str | None
    method: str
    path: str
    route: str | None
    status: int
    duration: float
    fault: str | None = None


class Journal:
    """Every request to a FakeAmnimo, in arrival order of completion.

    ``count(route=..., status=...)``, ``token_calls``, ``rate_limited`` (429s),
    ``max_concurrency`` (high-water mark of requests in flight), ``by_route()``, ``by_status()``.
    """

    def __init__(self) -> None:
        self._entries: list[JournalEntry] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._lock = threading.Lock()

    def begin(self) -> None:
        """A request arrived."""
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def end(self, entry: JournalEntry) -> None:
        """A request finished."""
        with self._lock:
            self._in_flight -= 1
            self._entries.append(entry)

    @property
    def entries(self) -> list[JournalEntry]:
        """A copy of every entry."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def count(
        self,
        route: str | None = None,
        status: int | None = None,
        *,
        client_id: str | None = None,
        method: str | None = None,
    ) -> int:
        """Number of requests matching every given filter."""
        with self._lock:
            return sum(
                1
                for entry in self._entries
                if (route is None or entry.route == route)
                and (status is None or entry.status == status)
                and (client_id is None or entry.client_id == client_id)
                and (method is None or entry.method == method)
            )

    @property
    def token_calls(self) -> int:
        """Calls to ``/oauth2/token`` (whatever their answer)."""
        return self.count(route=TOKEN_ROUTE)

    @property
    def tokens_issued(self) -> int:
        """Calls to ``/oauth2/token`` that got a token."""
        return self.count(route=TOKEN_ROUTE, status=200)

    @property
    def rate_limited(self) -> int:
        """429 answers (rate limit, token quota and injected storms)."""
        return self.count(status=429)

    @property
    def max_concurrency(self) -> int:
        """Most requests in flight at once since the start (or the last clear)."""
        with self._lock:
            return self._max_in_flight

    @property
    def in_flight(self) -> int:
        """Requests in flight now."""
        with self._lock:
            return self._in_flight

    def by_route(self) -> Counter[str | None]:
        """Requests per route (operationId; None for unknown paths)."""
        with self._lock:
            return Counter(entry.route for entry in self._entries)

    def by_status(self) -> Counter[int]:
        """Requests per status (0: connection dropped)."""
        with self._lock:
            return Counter(entry.status for entry in self._entries)

    def clear(self) -> None:
        """Forget every entry and reset the concurrency high-water mark."""
        with self._lock:
            self._entries.clear()
            self._max_in_flight = self._in_flight
