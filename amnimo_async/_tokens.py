"""Bearer tokens: reuse until shortly before expiry, refresh single-flight, pluggable cache.

The API allows 1,000 token calls a month per client ID, so a token is precious: every caller
shares one, concurrent callers that need a new one wait for a single ``/oauth2/token`` call, and a
:class:`TokenCache` can keep it beyond the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol, runtime_checkable

import attrs

from ._logging import logger

DEFAULT_REFRESH_MARGIN = 300.0  # seconds before expiry at which a token is replaced


@attrs.frozen
class Token:
    """An access token and the wall-clock times (epoch seconds) it was issued and expires."""

    access_token: str = attrs.field(repr=False)
    issued_at: float
    expires_at: float
    token_type: str = "Bearer"

    def refresh_at(self, margin: float) -> float:
        """When to stop using it: ``margin`` before expiry, or at 90 % of a short lifetime."""
        return self.expires_at - min(margin, (self.expires_at - self.issued_at) / 10)


@runtime_checkable
class TokenCache(Protocol):
    """Where tokens live between calls (and, for a persistent cache, between processes).

    ``key`` names the client ID and base URL, never the secret. ``lock`` serialises fetching a
    new token across everything that shares the cache (a no-op in one process).
    """

    async def load(self, key: str) -> Token | None: ...

    async def store(self, key: str, token: Token) -> None: ...

    async def clear(self, key: str) -> None: ...

    def lock(self, key: str) -> contextlib.AbstractAsyncContextManager[None]: ...


class InMemoryTokenCache:
    """The default cache: a dict, living as long as the client."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}

    async def load(self, key: str) -> Token | None:
        return self._tokens.get(key)

    async def store(self, key: str, token: Token) -> None:
        self._tokens[key] = token

    async def clear(self, key: str) -> None:
        self._tokens.pop(key, None)

    @contextlib.asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        yield

    def __repr__(self) -> str:
        return f"<InMemoryTokenCache tokens={len(self._tokens)}>"


@attrs.define(eq=False)
class TokenManager:
    """Hands out the current token; fetches a new one, once, when it is missing or stale.

    ``fetch`` makes the token call; ``cache`` keeps tokens under ``key`` (for a persistent cache,
    across processes); a token is replaced ``margin`` seconds before it expires by ``clock``.
    """

    _fetch: Callable[[], Awaitable[Token]]
    cache: TokenCache = attrs.field(kw_only=True)
    _key: str = attrs.field(kw_only=True)
    _margin: float = attrs.field(default=DEFAULT_REFRESH_MARGIN, kw_only=True)
    clock: Callable[[], float] = attrs.field(default=time.time, kw_only=True)
    _token: Token | None = attrs.field(default=None, init=False)
    _inflight: asyncio.Task[Token] | None = attrs.field(default=None, init=False)

    def is_stale(self, token: Token) -> bool:
        """Expired, or within the refresh margin of expiring."""
        return self.clock() >= token.refresh_at(self._margin)

    async def get(self) -> Token:
        """A usable token, fetching one if needed (one fetch however many callers wait)."""
        token = self._token
        if token is not None and not self.is_stale(token):
            return token
        return await self._single_flight(rejected=None)

    async def refresh(self, rejected: Token) -> Token:
        """A token other than ``rejected``, which the server refused; fetched at most once."""
        current = self._token
        if current is not None and current != rejected and not self.is_stale(current):
            return current
        if current == rejected:
            self._token = None
        return await self._single_flight(rejected=rejected)

    async def _single_flight(self, rejected: Token | None) -> Token:
        if self._inflight is None:
            task = asyncio.ensure_future(self._obtain(rejected))
            task.add_done_callback(self._finished)
            self._inflight = task
        # shield: a caller that gives up must not cancel the fetch the others are waiting on (and
        # shield retrieves a failure nobody waits for any more: no "never retrieved" warning).
        return await asyncio.shield(self._inflight)

    def _finished(self, task: asyncio.Task[Token]) -> None:
        # Only for a fetch cancelled before it started; _obtain clears its own slot otherwise.
        if self._inflight is task:
            self._inflight = None

    async def _obtain(self, rejected: Token | None) -> Token:
        # The slot is freed as the fetch ends, not a loop turn later by the done callback: a
        # caller arriving in between would otherwise be handed this finished fetch's outcome.
        try:
            return await self._obtain_once(rejected)
        finally:
            if self._inflight is asyncio.current_task():
                self._inflight = None

    async def _obtain_once(self, rejected: Token | None) -> Token:
        async with self.cache.lock(self._key):
            cached = await self.cache.load(self._key)
            if cached is not None and cached != rejected and not self.is_stale(cached):
                self._token = cached
                return cached
            token = await self._fetch()
            logger.debug("issued a new access token, valid %.0f s", token.expires_at - token.issued_at)
            await self.cache.store(self._key, token)
            self._token = token
            return token

    async def aclose(self) -> None:
        """Cancel a fetch in flight (the client is closing)."""
        task = self._inflight
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def __repr__(self) -> str:
        state = "none" if self._token is None else ("stale" if self.is_stale(self._token) else "valid")
        return f"<TokenManager token={state}>"
