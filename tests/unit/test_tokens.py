"""Token handling: reuse, single flight, expiry (403) and refusal, cache protocol."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from amnimo_async import AuthenticationError, InMemoryTokenCache, PermissionDeniedError, Token
from amnimo_async._tokens import TokenManager

from ._scripted import CAMERA, PAGE, SUB, ScriptedAPI, client, error, sequence


async def test_token_is_fetched_once_and_reused() -> None:
    api = ScriptedAPI()
    async with client(api) as amnimo:
        for _ in range(5):
            await amnimo.cameras.list(SUB)
    assert len(api.token_requests) == 1
    request = api.token_requests[0]
    assert request.method == "POST"
    assert request.headers["Authorization"] == f"Basic {api.basic}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content == b"grant_type=client_credentials"
    assert {api.bearer_of(r) for r in api.api_requests} == {api.tokens[0]}


async def test_hundred_concurrent_callers_cause_one_token_call() -> None:
    api = ScriptedAPI()
    original = api.__call__

    async def slow_token(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            await asyncio.sleep(0.01)  # keep the fetch in flight while the others arrive
        return await original(request)

    amnimo = client(api)
    amnimo.transport.http = httpx.AsyncClient(transport=httpx.MockTransport(slow_token))
    async with amnimo:
        pages = await asyncio.gather(*(amnimo.cameras.list(SUB) for _ in range(100)))
    assert len(pages) == 100
    assert len(api.token_requests) == 1
    assert len(api.api_requests) == 100


async def test_failing_token_call_reaches_every_waiter_as_the_same_error() -> None:
    api = ScriptedAPI()
    api.token_failure = lambda: error(401, "invalid client")
    async with client(api) as amnimo:
        results = await asyncio.gather(
            *(amnimo.cameras.list(SUB) for _ in range(100)), return_exceptions=True
        )
    assert len(api.token_requests) == 1
    assert api.api_requests == []
    assert all(isinstance(r, AuthenticationError) for r in results)
    assert len({id(r) for r in results}) == 1
    assert "invalid client" in str(results[0])


async def test_a_caller_arriving_as_a_failed_fetch_ends_starts_a_new_fetch() -> None:
    fetches = 0
    arrivals: list[asyncio.Future[Token]] = []

    async def fetch() -> Token:
        nonlocal fetches
        fetches += 1
        if fetches == 1:
            # Queued now, this caller's first step runs after the fetch ends but before the
            # fetch task's done callbacks: the slot must already be free by then.
            arrivals.append(asyncio.ensure_future(manager.get()))
            raise RuntimeError("token call failed")
        return Token("second", issued_at=0.0, expires_at=3600.0)

    manager = TokenManager(fetch, cache=InMemoryTokenCache(), key="k", clock=lambda: 0.0)
    with pytest.raises(RuntimeError, match="token call failed"):
        await manager.get()
    (arrival,) = arrivals
    assert (await arrival).access_token == "second"
    assert fetches == 2


async def test_transient_token_failure_is_retried() -> None:
    api = ScriptedAPI()
    failures = [error(503), error(503)]
    api.token_failure = lambda: failures.pop(0) if failures else None
    async with client(api) as amnimo:
        await amnimo.cameras.list(SUB)
    assert len(api.token_requests) == 3
    assert len(api.api_requests) == 1


async def test_token_is_refreshed_proactively_before_it_expires() -> None:
    api = ScriptedAPI(expires_in=7200)
    now = [1_000_000.0]
    async with client(api) as amnimo:
        amnimo.transport.tokens.clock = lambda: now[0]
        await amnimo.cameras.list(SUB)
        now[0] += 7200 - 301  # still outside the 300 s margin
        await amnimo.cameras.list(SUB)
        now[0] += 2  # now inside it
        await amnimo.cameras.list(SUB)
    assert len(api.token_requests) == 2
    assert [api.bearer_of(r) for r in api.api_requests] == [api.tokens[0], api.tokens[0], api.tokens[1]]


@pytest.mark.parametrize(
    ("aged", "body"),
    [
        pytest.param(7200, "Token expired", id="expired"),
        # Inside the 300 s margin: refreshed by our clock alone, whatever the body says.
        pytest.param(7200 - 100, "Forbidden", id="nearly-expired"),
    ],
)
async def test_403_to_an_expired_token_refreshes_once_and_retries_once(aged: int, body: str) -> None:
    now = [1_000_000.0]

    def expire_then_refuse(request: httpx.Request) -> httpx.Response:
        if api.bearer_of(request) == api.tokens[0]:
            now[0] += aged  # the token aged while the request was on its way
            return error(403, body)
        return httpx.Response(200, json=PAGE)

    api = ScriptedAPI(expire_then_refuse)
    async with client(api) as amnimo:
        amnimo.transport.tokens.clock = lambda: now[0]
        page = await amnimo.cameras.list(SUB)
    assert page.total == 0
    assert len(api.token_requests) == 2
    assert [api.bearer_of(r) for r in api.api_requests] == [api.tokens[0], api.tokens[1]]


async def test_403_to_a_fresh_token_is_permission_denied_without_token_call() -> None:
    api = ScriptedAPI()
    async with client(api) as amnimo:
        await amnimo.cameras.list(SUB)  # first call fetches the token...
        api.script = sequence(error(403, "subscription outside your account"))
        with pytest.raises(PermissionDeniedError, match="outside your account") as info:
            await amnimo.cameras.get(SUB, CAMERA)
    assert info.value.status_code == 403
    assert len(api.token_requests) == 1  # ...and the 403 to a fresh token costs none


async def test_403_again_after_the_refresh_is_raised_not_looped() -> None:
    now = [1_000_000.0]

    def always_expired(request: httpx.Request) -> httpx.Response:
        now[0] += 7200
        return error(403, "Token expired")

    api = ScriptedAPI(always_expired)
    async with client(api) as amnimo:
        amnimo.transport.tokens.clock = lambda: now[0]
        with pytest.raises(PermissionDeniedError):
            await amnimo.cameras.list(SUB)
    assert len(api.token_requests) == 2
    assert len(api.api_requests) == 2


async def test_401_to_a_cached_token_refreshes_once() -> None:
    cache = InMemoryTokenCache()
    api = ScriptedAPI()
    async with client(api, token_cache=cache) as amnimo:
        key = f"{amnimo.transport.base_url}|client-1234"
        await cache.store(key, Token("revoked-token-abcdef", issued_at=0.0, expires_at=4e9))

        def refuse_revoked(request: httpx.Request) -> httpx.Response:
            if api.bearer_of(request) == "revoked-token-abcdef":
                return error(401, "Unauthorized")
            return httpx.Response(200, json=PAGE)

        api.script = refuse_revoked
        await amnimo.cameras.list(SUB)
    assert len(api.token_requests) == 1
    assert [api.bearer_of(r) for r in api.api_requests] == ["revoked-token-abcdef", api.tokens[0]]
    assert (await cache.load(key)) is not None
    assert (await cache.load(key)).access_token == api.tokens[0]  # type: ignore[union-attr]


async def test_a_token_in_the_cache_is_used_without_a_token_call() -> None:
    cache = InMemoryTokenCache()
    api = ScriptedAPI()
    async with client(api, token_cache=cache) as first:
        await first.cameras.list(SUB)
    async with client(api, token_cache=cache) as second:
        await second.cameras.list(SUB)
    assert len(api.token_requests) == 1


def test_short_lived_tokens_are_not_refreshed_on_every_call() -> None:
    token = Token("t" * 20, issued_at=0.0, expires_at=60.0)
    assert token.refresh_at(300.0) == 54.0  # 90 % of a 60 s lifetime, not "already stale"
    assert "t" * 20 not in repr(token)


async def test_403_saying_the_token_expired_refreshes_even_if_our_clock_disagrees() -> None:
    def revoked_first(request: httpx.Request) -> httpx.Response:
        if api.bearer_of(request) == api.tokens[0]:
            return error(403, "Token expired")  # the server's clock runs ahead of ours
        return httpx.Response(200, json=PAGE)

    api = ScriptedAPI(revoked_first)
    async with client(api) as amnimo:
        pages = await asyncio.gather(*(amnimo.cameras.list(SUB) for _ in range(10)))
    assert len(pages) == 10
    assert len(api.token_requests) == 2  # one refresh for all ten callers


@pytest.mark.parametrize(
    "body",
    [b'[{"ts":"2026-01-01T00:00:00.000Z","status":"FORB', b"<html>403</html>", b"[" * 100_000],
    ids=["cut", "html", "nested-too-deep"],
)
async def test_403_with_a_broken_body_refreshes_once_since_it_may_mean_expired(body: bytes) -> None:
    def broken_first(request: httpx.Request) -> httpx.Response:
        if api.bearer_of(request) == api.tokens[0]:
            return httpx.Response(403, content=body)  # cut short: expired or forbidden, who knows
        return httpx.Response(200, json=PAGE)

    api = ScriptedAPI(broken_first)
    async with client(api) as amnimo:
        page = await amnimo.cameras.list(SUB)
    assert page.size == 500
    assert len(api.token_requests) == 2
    assert [api.bearer_of(r) for r in api.api_requests] == api.tokens
