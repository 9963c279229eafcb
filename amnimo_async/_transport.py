"""Sends requests: one httpx.AsyncClient, the shared rate limiter, tokens, retries, logging.

Every call of a client, token calls included, goes through :meth:`Transport.send`, which
waits for the rate limiter, attaches credentials, retries what the policy allows, turns error
statuses into exceptions and parses success bodies (a malformed body of an idempotent call is
retried like any transient fault).
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import attrs
import httpx

from ._converter import structure
from ._errors import (
    UNDECODABLE_JSON,
    AmnimoError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ResponseValidationError,
    status_error_class,
)
from ._logging import logger, redactor
from ._models import ErrorDetail, TokenGrant
from ._pool import TAG, reclaim
from ._ratelimit import Limiter
from ._request import MalformedBodyError, Request, encode_query
from ._response import Response
from ._retry import RetryPolicy, parse_retry_after
from ._tokens import Token, TokenCache, TokenManager

T = TypeVar("T")
E = TypeVar("E", bound=AmnimoError)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0, pool=60.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=32, max_keepalive_connections=32, keepalive_expiry=30.0)
USER_AGENT = "amnimo-async"
DEFAULT_TOKEN_LIFETIME = 3600.0  # used only if a grant omits expires_in (the API sends 7200)


def token_cache_key(base_url: str, client_id: str) -> str:
    """The key a client ID's token is cached under at ``base_url`` (never the secret): the
    transport's, a fleet's Redis keys and the command's ``amnimo token status`` all use this one."""
    return f"{base_url.rstrip('/')}|{client_id}"


@attrs.define
class TransportStats:
    """Counters a sweep reports: attempts sent, retries made, 429s seen, token calls made."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    token_calls: int = 0
    refreshes: int = 0


@attrs.frozen
class Credentials:
    """A client ID and its secret; the secret never shows in ``repr``."""

    client_id: str
    secret_key: str = attrs.field(repr=False)

    def basic_authorization(self) -> str:
        raw = f"{self.client_id}:{self.secret_key}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


class Transport:
    """The bottom layer: one per client, shared by every call it makes."""

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Credentials,
        fetch_grant: Callable[[], Awaitable[TokenGrant]],
        token_cache: TokenCache,
        limiter: Limiter,
        retry: RetryPolicy,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        http_client: httpx.AsyncClient | None = None,
        refresh_margin: float,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.limiter = limiter
        self.retry = retry
        self.stats = TransportStats()
        # The client's one time source for waiting: retry backoffs and the flows' polls and
        # keep-alives sleep with ``sleep`` and measure with ``monotonic`` (tests swap both for a
        # virtual clock). Token expiry uses the wall ``clock``: tokens are shared across processes.
        self.sleep = sleep
        self.monotonic = monotonic
        self._owns_http = http_client is None
        self.http = http_client or httpx.AsyncClient(
            timeout=timeout, limits=DEFAULT_LIMITS, headers={"User-Agent": USER_AGENT}
        )
        self._basic = credentials.basic_authorization()
        redactor.register(credentials.secret_key)
        redactor.register(self._basic)
        redactor.register(self._basic.split(" ", 1)[1])
        self._fetch_grant = fetch_grant
        key = token_cache_key(self.base_url, credentials.client_id)
        bind_secret = getattr(token_cache, "bind_secret", None)
        if callable(bind_secret):  # a cache keeping tokens at rest seals them with this client's secret
            bind_secret(key, credentials.secret_key)
        self.tokens = TokenManager(
            self._issue_token,
            cache=token_cache,
            key=key,
            margin=refresh_margin,
            clock=clock,
        )

    async def _issue_token(self) -> Token:
        issued_at = self.tokens.clock()  # counted from before the call: expiry errs early, never late
        self.stats.token_calls += 1
        grant = await self._fetch_grant()
        redactor.register(grant.access_token)
        lifetime = grant.expires_in if grant.expires_in is not None else DEFAULT_TOKEN_LIFETIME
        return Token(grant.access_token, issued_at=issued_at, expires_at=issued_at + lifetime)

    async def send(self, request: Request, parse: Callable[[httpx.Response], T]) -> Response[T]:
        """Send ``request`` until it succeeds or the policy gives up; return the parsed answer."""
        operation = request.operation
        url = self.base_url + request.path
        # The query is encoded here once: httpx's params= merge re-parses the URL (~35 µs a call).
        target = f"{url}?{encode_query(request.params)}" if request.params else url
        attempt = 0
        refreshed = False
        maybe_done = False  # an earlier attempt may have reached the server and done the work
        sent = 0
        while True:
            # Token first: a token call waiting behind requests that hold rate slots would make
            # them all leave at once when it arrives. A token that goes stale while this request
            # waits for its slot is refreshed on the 403 below.
            token = await self.tokens.get() if operation.auth == "bearer" else None
            granted_at = await self.limiter.acquire()
            started = time.perf_counter()
            self.stats.requests += 1
            sent += 1
            try:
                response = await self._exchange(request, target, token)
            except MalformedBodyError as exc:  # a body its Content-Encoding cannot undo
                maybe_done = True
                attempt = await self._after_malformed(request, url, exc, None, attempt, sent)
                continue
            except httpx.TransportError as exc:
                elapsed = time.perf_counter() - started
                error = _connection_error(exc, operation.method, url)
                logger.debug(
                    "%s %s failed after %.1f ms: %s (attempt %d)",
                    operation.method,
                    request.path,
                    elapsed * 1000,
                    type(exc).__name__,
                    attempt + 1,
                )
                maybe_done = maybe_done or not self.retry.never_sent(exc)
                if attempt < self.retry.max_retries and self.retry.may_retry_transport_error(
                    exc, operation.idempotent
                ):
                    attempt += 1
                    await self._backoff(request, attempt, None, type(exc).__name__)
                    continue
                raise _attempted(error, sent) from exc
            elapsed = time.perf_counter() - started
            status = response.status_code
            logger.debug(
                "%s %s -> %d in %.1f ms (attempt %d)",
                operation.method,
                request.path,
                status,
                elapsed * 1000,
                attempt + 1,
            )

            if token is not None and not refreshed and self._token_rejected(response, token):
                refreshed = True
                self.stats.refreshes += 1
                await self.tokens.refresh(token)
                continue
            if status == 404 and maybe_done and operation.method == "DELETE":
                # An earlier attempt (no answer, a 5xx, a garbled body) may have deleted it: done.
                logger.info("%s %s: 404 after an unsure attempt: deleted", operation.method, request.path)
                return Response(status, response.headers, response.content, parse(response))
            if not 200 <= status < 300:  # a redirect is not the answer either (none is followed)
                maybe_done = maybe_done or status >= 500
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if status == 429:
                    self.stats.throttled += 1
                    await self.limiter.slow_down(self.retry.delay(attempt + 1, retry_after), granted_at)
                if attempt < self.retry.max_retries and self.retry.may_retry_status(
                    status, operation.idempotent
                ):
                    attempt += 1
                    await self._backoff(request, attempt, retry_after, f"HTTP {status}")
                    continue
                raise _attempted(_status_error(response, operation.method, url, retry_after), sent)
            try:
                parsed = parse(response)
            except MalformedBodyError as exc:
                maybe_done = True
                attempt = await self._after_malformed(request, url, exc, response, attempt, sent)
                continue
            return Response(status, response.headers, response.content, parsed)

    async def _exchange(self, request: Request, target: str, token: Token | None) -> httpx.Response:
        """One HTTP exchange; a body that cannot be decoded is a malformed answer."""
        operation = request.operation
        tag = object()
        try:
            return await self.http.request(
                operation.method,
                target,
                json=request.json,
                data=request.form,
                headers={"Authorization": self._basic if token is None else f"Bearer {token.access_token}"},
                extensions={TAG: tag},
            )
        except BaseException as exc:
            await reclaim(self.http, tag)  # a cancelled request can leave its pool slot taken
            if isinstance(exc, httpx.DecodingError):
                raise MalformedBodyError(f"body cannot be decoded ({exc})") from None
            raise

    async def _after_malformed(
        self,
        request: Request,
        url: str,
        problem: MalformedBodyError,
        response: httpx.Response | None,
        attempt: int,
        sent: int,
    ) -> int:
        """Back off and answer the next attempt number if the call may be repeated; else raise
        the :class:`ResponseValidationError` (status 0 when there is no readable answer)."""
        operation = request.operation
        if attempt < self.retry.max_retries and operation.idempotent:
            await self._backoff(request, attempt + 1, None, "malformed answer")
            return attempt + 1
        invalid = ResponseValidationError(
            str(problem),
            operation=operation.operation_id,
            status_code=0 if response is None else response.status_code,
            method=operation.method,
            url=url,
            snippet="" if response is None else response.content[:120].decode("utf-8", "replace"),
        )
        raise _attempted(invalid, sent) from None

    def _token_rejected(self, response: httpx.Response, token: Token) -> bool:
        """Refresh once for a 401 to any token, or a 403 to a token that is expired (or nearly) by
        our clock, that the server says has expired (its clock may run ahead of ours), or whose
        body is too broken to say.

        Any other 403 (a fresh token, another tenant's resource) is a real permission error and is
        raised with no token call.
        """
        if response.status_code == 401:
            return True
        if response.status_code != 403:
            return False
        return (
            self.tokens.is_stale(token)
            or b"expired" in response.content.lower()
            or not _readable_json(response.content)  # a broken body cannot rule an expiry out
        )

    async def _backoff(self, request: Request, attempt: int, retry_after: float | None, reason: str) -> None:
        self.stats.retries += 1
        delay = self.retry.delay(attempt, retry_after)
        logger.info(
            "%s %s: %s, retry %d of %d in %.2f s",
            request.operation.method,
            request.path,
            reason,
            attempt,
            self.retry.max_retries,
            delay,
        )
        await self.sleep(delay)

    async def aclose(self) -> None:
        await self.tokens.aclose()
        if self._owns_http:
            await self.http.aclose()

    def __repr__(self) -> str:
        return f"<Transport {self.base_url} client_id={self.credentials.client_id!r}>"


def _attempted(error: E, sent: int) -> E:
    """``error`` marked with how many times its request was sent."""
    error.attempts = sent
    return error


def _readable_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except UNDECODABLE_JSON:
        return False
    return True


def _connection_error(exc: httpx.TransportError, method: str, url: str) -> AmnimoError:
    kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return kind(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, method=method, url=url)


def _status_error(
    response: httpx.Response, method: str, url: str, retry_after: float | None
) -> APIStatusError:
    body = response.content.decode("utf-8", "replace")
    errors: tuple[ErrorDetail, ...] = ()
    try:
        errors = structure(response.json(), tuple[ErrorDetail, ...])
    except Exception:  # an error body in another shape: keep the text
        errors = ()
    return status_error_class(response.status_code)(
        status_code=response.status_code,
        method=method,
        url=url,
        errors=errors,
        body=body[:500],
        retry_after=retry_after,
    )
