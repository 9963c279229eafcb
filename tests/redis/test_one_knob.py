"""The one knob against a real redis-server: ``redis_url=`` (or an existing ``redis.asyncio.Redis``,
``AMNIMO_REDIS_URL``, ``--redis-url``, a profile's ``redis_url``) gives ``AsyncAmnimo``, ``Amnimo``
and the command one token and one bucket for the client ID; an explicit ``token_cache=`` or
``rate_limiter=`` wins for its part; the client closes what it built."""

from __future__ import annotations

import asyncio
import logging
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from amnimo_async import Amnimo, AsyncAmnimo, InMemoryTokenCache, RateLimiter
from amnimo_async.redis import RedisRateLimiter, RedisTokenCache
from amnimo_async.testing._redis_server import RedisServer

from ..cli.conftest import command, environment
from .conftest import Serve, client_of, run_together, start_workers

GUARD = 5.0
"""Seconds a bounded poll may take (never reached when the code works)."""


@pytest.fixture(autouse=True)
def tokens_not_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file cache behind Redis is memory here: a token shared between clients of one test
    can only have come through Redis."""
    monkeypatch.setenv("AMNIMO_TOKEN_CACHE", "memory")


async def keys(redis_client: aioredis.Redis, name: str) -> list[bytes]:
    return sorted(await redis_client.keys(f"amnimo:*:{name}"))


async def connections(redis_client: aioredis.Redis) -> int:
    """Clients connected to the server, this test's own one included."""
    return int((await redis_client.info("clients"))["connected_clients"])


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Bounded polling for something the server notices on its own time (a closed connection)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GUARD
    while not await condition():
        assert loop.time() < deadline, "never happened"
        await asyncio.sleep(0.01)


async def test_two_clients_share_one_token_and_one_bucket(
    serve: Serve, redis_server: RedisServer, redis_client: aioredis.Redis
) -> None:
    server = serve(rate=5.0, burst=20)
    sub = server.subscription_ids[0]
    async with (
        client_of(server, redis_url=redis_server.url) as first,
        client_of(server, redis_url=redis_server.url) as second,
    ):
        limiters = [first.transport.limiter, second.transport.limiter]
        assert all(isinstance(limiter, RedisRateLimiter) for limiter in limiters)
        assert isinstance(first.transport.tokens.cache, RedisTokenCache)
        # 30 calls at once, 15 from each: more than one bucket of 20 holds, within one shared.
        calls = [client.cameras.list(sub, size=1) for client in (first, second) for _ in range(15)]
        pages = await asyncio.gather(*calls)
        throttled = first.transport.stats.throttled + second.transport.stats.throttled
        token_calls = first.transport.stats.token_calls + second.transport.stats.token_calls
        shared_state = await redis_client.exists(limiters[0].state_key)  # type: ignore[attr-defined]
    assert len(pages) == 30
    assert throttled == 0
    assert server.journal.rate_limited == 0  # the fake's own bucket (5/s, burst 20) never ran dry
    assert token_calls == server.journal.token_calls == 1
    assert limiters[0].state_key == limiters[1].state_key  # type: ignore[attr-defined]
    assert shared_state == 1
    assert len(await keys(redis_client, "token")) == 1


async def test_amnimo_redis_url_is_read_from_the_environment(
    serve: Serve, redis_server: RedisServer, redis_client: aioredis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(rate=None)
    monkeypatch.setenv("AMNIMO_REDIS_URL", redis_server.url)
    for _ in range(2):
        async with client_of(server) as amnimo:
            assert isinstance(amnimo.transport.limiter, RedisRateLimiter)
            assert isinstance(amnimo.transport.tokens.cache, RedisTokenCache)
            await amnimo.accounts.hierarchy(server.account_id)
    assert server.journal.token_calls == 1
    assert len(await keys(redis_client, "token")) == 1


async def test_an_explicit_cache_or_limiter_wins_for_its_part(
    serve: Serve, redis_server: RedisServer, redis_client: aioredis.Redis
) -> None:
    server = serve(rate=None)
    own_cache, own_limiter = InMemoryTokenCache(), RateLimiter(None)
    async with client_of(server, redis_url=redis_server.url, token_cache=own_cache) as amnimo:
        assert amnimo.transport.tokens.cache is own_cache
        assert isinstance(amnimo.transport.limiter, RedisRateLimiter)
        await amnimo.accounts.hierarchy(server.account_id)
    assert await keys(redis_client, "token") == []  # the token stayed in the cache given
    assert len(await keys(redis_client, "limiter")) == 1

    async with client_of(server, redis_url=redis_server.url, rate_limiter=own_limiter) as amnimo:
        assert amnimo.transport.limiter is own_limiter
        assert isinstance(amnimo.transport.tokens.cache, RedisTokenCache)
        await amnimo.accounts.hierarchy(server.account_id)
    assert len(await keys(redis_client, "token")) == 1

    async with client_of(
        server, redis_url=redis_server.url, token_cache=own_cache, rate_limiter=own_limiter
    ) as amnimo:
        await amnimo.accounts.hierarchy(server.account_id)
    assert (amnimo.transport.tokens.cache, amnimo.transport.limiter) == (own_cache, own_limiter)


async def test_the_client_closes_what_it_built_and_leaves_a_client_passed_in(
    serve: Serve, redis_server: RedisServer, redis_client: aioredis.Redis
) -> None:
    server = serve(rate=None)
    alone = await connections(redis_client)

    async with client_of(server, redis_url=redis_server.url) as amnimo:
        await amnimo.accounts.hierarchy(server.account_id)
        assert await connections(redis_client) > alone
    await until(lambda: _equals(connections(redis_client), alone))  # its connections are closed

    mine = aioredis.Redis.from_url(redis_server.url)
    try:
        async with client_of(server, redis_url=mine) as amnimo:
            assert isinstance(amnimo.transport.limiter, RedisRateLimiter)
            assert amnimo.transport.limiter.link.client is mine
            await amnimo.accounts.hierarchy(server.account_id)
        assert await mine.ping()  # still open: it is the caller's
        assert await connections(redis_client) > alone
    finally:
        await mine.aclose()
    assert server.journal.token_calls == 1  # the second client found the first one's token


async def _equals(value: Awaitable[int], expected: int) -> bool:
    return await value == expected


def test_the_blocking_client_shares_the_same_way(
    serve: Serve, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(rate=None)

    async def limiter_key(client: AsyncAmnimo) -> str:
        limiter = client.transport.limiter
        assert isinstance(limiter, RedisRateLimiter)
        return limiter.state_key

    options: dict[str, Any] = {"base_url": server.base_url, "redis_url": redis_server.url}
    with (
        Amnimo(server.client_id, server.secret_key, **options) as first,
        Amnimo(server.client_id, server.secret_key, **options) as second,
    ):
        assert first.accounts.hierarchy(server.account_id).account_id == server.account_id
        assert second.accounts.hierarchy(server.account_id).account_id == server.account_id
        assert first.run(limiter_key) == second.run(limiter_key)
    assert server.journal.token_calls == 1

    monkeypatch.setenv("AMNIMO_REDIS_URL", redis_server.url)
    with Amnimo(server.client_id, server.secret_key, base_url=server.base_url) as third:
        third.accounts.hierarchy(server.account_id)
    assert server.journal.token_calls == 1


@pytest.mark.parametrize("blocking", [False, True], ids=["AsyncAmnimo", "Amnimo"])
def test_cold_processes_on_machines_of_their_own_make_one_token_call(
    serve: Serve, redis_server: RedisServer, tmp_path: Path, blocking: bool
) -> None:
    server = serve(rate=None)
    extra = ("--sync",) if blocking else ()
    reports = run_together(start_workers(3, "cron", server, redis_server.url, *extra, machines=tmp_path))
    assert [report["account"] for report in reports] == [server.account_id] * 3
    assert sum(report["token_calls"] for report in reports) == 1
    assert server.journal.token_calls == 1


# --- the command ---------------------------------------------------------------------------------------


def amnimo(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args), env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


def test_the_command_shares_through_redis_url_a_profile_or_the_environment(
    serve: Serve, redis_server: RedisServer, redis_client: aioredis.Redis, tmp_path: Path
) -> None:
    server = serve(rate=None)
    # Each run on a "machine" of its own: its own cache directory, nothing shared but Redis.
    on_machine = [environment(server, tmp_path / f"machine-{index}") for index in range(3)]
    first = amnimo("--redis-url", redis_server.url, "hierarchy", server.account_id, env=on_machine[0])
    assert first.returncode == 0, first.stderr

    config = tmp_path / "config.toml"
    config.write_text(
        "[profiles.fleet]\n"
        f'client_id = "{server.client_id}"\nsecret_key = "{server.secret_key}"\n'
        f'base_url = "{server.base_url}"\nredis_url = "{redis_server.url}"\n'
    )
    by_profile = {**on_machine[1], "AMNIMO_CONFIG": str(config)}
    second = amnimo("--profile", "fleet", "hierarchy", server.account_id, env=by_profile)
    assert second.returncode == 0, second.stderr

    by_environment = {**on_machine[2], "AMNIMO_REDIS_URL": redis_server.url}
    third = amnimo("hierarchy", server.account_id, env=by_environment)
    assert third.returncode == 0, third.stderr

    assert server.journal.token_calls == 1
    assert len(asyncio.run(_token_keys(redis_server.url))) == 1

    cleared = amnimo("--redis-url", redis_server.url, "token", "clear", env=on_machine[0])
    assert cleared.returncode == 0, cleared.stderr
    assert "cleared the cached token (and in Redis)" in cleared.stderr
    assert asyncio.run(_token_keys(redis_server.url)) == []


async def _token_keys(url: str) -> list[bytes]:
    client = aioredis.Redis.from_url(url)
    try:
        return await keys(client, "token")
    finally:
        await client.aclose()


def test_the_command_refuses_a_url_of_another_kind_without_showing_it(serve: Serve, tmp_path: Path) -> None:
    server = serve(rate=None)
    secret_url = "http://:hunter2-in-the-url@127.0.0.1:6379/0"
    result = amnimo(
        "--redis-url", secret_url, "hierarchy", server.account_id, env=environment(server, tmp_path)
    )
    assert result.returncode == 2
    assert "redis_url" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert len(server.journal) == 0
    shown = amnimo("--help", env=environment(server, tmp_path))
    assert "--redis-url" in shown.stdout
    assert "AMNIMO_REDIS_URL" in shown.stdout


async def test_with_redis_down_the_client_works_and_says_what_it_does_instead(
    serve: Serve, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = serve(rate=None)
    redis_server.kill()  # unreachable from the start
    with caplog.at_level(logging.WARNING, logger="amnimo_async"):
        async with client_of(server, redis_url=redis_server.url, token_cache=InMemoryTokenCache()) as amnimo:
            root = await amnimo.accounts.hierarchy(server.account_id)
    assert root.account_id == server.account_id
    [down] = [record.getMessage() for record in caplog.records if "failed" in record.getMessage()]
    assert "the rate limit is local" in down
    assert "tokens are kept" not in down  # the client's tokens were never Redis's to keep
