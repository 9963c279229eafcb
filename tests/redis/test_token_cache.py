"""RedisTokenCache on a real redis-server: sealed at rest, expiring with the token, one token call
for a fleet (clients, threads, processes), and the file cache while Redis is away."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from amnimo_async import Amnimo, FileTokenCache, InMemoryTokenCache, Token, TokenCache
from amnimo_async._redis_link import RedisLink
from amnimo_async._redis_token_cache import RedisTokenCache
from amnimo_async.testing import FakeServer, Fault

from .conftest import RedisServer, Serve, client_of, run_together, start_workers

KEY = "https://api.amnimo.com/ex|client-id-12345"
SECRET = "secret-key-of-client-id-12345"
NOW = 1_800_000_000.0
SLOW_TOKEN = Fault(kind="latency", route="issueToken", latency=0.3)
"""A token call slow enough that every client starting together finds the fetch under way."""


def token(n: int = 1, issued_at: float = NOW, lifetime: float = 7200) -> Token:
    return Token(f"access-token-{n:04d}", issued_at=issued_at, expires_at=issued_at + lifetime)


@pytest.fixture
async def cache(redis_client: aioredis.Redis) -> RedisTokenCache:
    return RedisTokenCache(redis_client, secret_key=SECRET, clock=lambda: NOW)


def hierarchy_calls(server: FakeServer, caches: list[TokenCache]) -> list[asyncio.Future[str]]:
    """One cron-script run per cache, all at once: a client, its hierarchy, closed."""

    async def run(cache: TokenCache) -> str:
        async with client_of(server, token_cache=cache, rate=None) as amnimo:
            return (await amnimo.accounts.hierarchy(server.account_id)).account_id

    return [asyncio.ensure_future(run(cache)) for cache in caches]


async def test_is_a_token_cache(cache: RedisTokenCache) -> None:
    assert isinstance(cache, TokenCache)


async def test_the_token_is_sealed_at_rest_under_a_key_that_names_no_one(
    cache: RedisTokenCache, redis_client: aioredis.Redis
) -> None:
    await cache.store(KEY, token())
    keys = [key.decode() async for key in redis_client.scan_iter()]
    assert keys == [cache.token_key(KEY)]
    assert "client-id" not in keys[0]
    raw = (await redis_client.get(keys[0])).decode()
    assert "access-token" not in raw
    assert SECRET not in raw
    assert set(json.loads(raw)["token"]) == {"token_type", "issued_at", "expires_at", "sealed"}
    assert await cache.load(KEY) == token()


async def test_another_secret_opens_nothing(cache: RedisTokenCache, redis_client: aioredis.Redis) -> None:
    await cache.store(KEY, token())
    other = RedisTokenCache(redis_client, secret_key="another-secret-key", clock=lambda: NOW)
    assert await other.load(KEY) is None
    await redis_client.set(cache.token_key(KEY), b"\xff not json")
    assert await RedisTokenCache(redis_client, secret_key=SECRET).load(KEY) is None


async def test_the_key_expires_with_the_token(cache: RedisTokenCache, redis_client: aioredis.Redis) -> None:
    await cache.store(KEY, token(lifetime=7200))
    ttl = await redis_client.pttl(cache.token_key(KEY))
    assert 7_190_000 < ttl <= 7_200_000  # the token's time left by the cache's clock
    await cache.store(KEY, token(2, issued_at=NOW - 7300))  # already expired: nothing to keep
    assert await redis_client.exists(cache.token_key(KEY)) == 0


async def test_clear_forgets_it(cache: RedisTokenCache) -> None:
    await cache.store(KEY, token())
    await cache.clear(KEY)
    assert await cache.load(KEY) is None


async def test_the_lock_has_one_owner_and_an_expiry(
    cache: RedisTokenCache, redis_client: aioredis.Redis
) -> None:
    other = RedisTokenCache(redis_client, secret_key=SECRET)
    async with cache.lock(KEY):
        owner = await redis_client.get(cache.lock_key(KEY))
        assert owner
        assert 0 < await redis_client.pttl(cache.lock_key(KEY)) <= cache.lock_ttl * 1000
        assert not await other.try_take(KEY, "someone-else")
        # Only the owner releases it: the compare-and-delete of another holder does nothing.
        assert await other._release(keys=[cache.lock_key(KEY)], args=["someone-else"]) == 0
        assert await redis_client.get(cache.lock_key(KEY)) == owner
    assert await redis_client.exists(cache.lock_key(KEY)) == 0
    assert await other.try_take(KEY, "someone-else")


async def test_the_lock_excludes_another_holder_until_released(
    redis_client: aioredis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = RedisTokenCache(redis_client), RedisTokenCache(redis_client)  # two processes' caches
    order: list[str] = []
    first_in, refused = asyncio.Event(), asyncio.Event()
    try_take = second.try_take

    async def observed_try_take(key: str, owner: str) -> bool:  # the real SET NX, seen from outside
        taken = await try_take(key, owner)
        if not taken:
            refused.set()
        return taken

    monkeypatch.setattr(second, "try_take", observed_try_take)

    async def hold() -> None:
        async with first.lock(KEY):
            order.append("first in")
            first_in.set()
            await asyncio.wait_for(refused.wait(), 10)  # held until the second has been turned away
            order.append("first out")

    async def wait() -> None:
        await first_in.wait()
        async with second.lock(KEY):
            order.append("second in")

    await asyncio.wait_for(asyncio.gather(hold(), wait()), 30)
    assert order == ["first in", "first out", "second in"]


async def test_a_lock_whose_holder_died_frees_itself(redis_client: aioredis.Redis) -> None:
    cache = RedisTokenCache(redis_client, lock_ttl=0.2)
    await redis_client.set(cache.lock_key(KEY), "a process that died", px=200)
    async with cache.lock(KEY):
        assert await redis_client.get(cache.lock_key(KEY)) != b"a process that died"


async def test_a_live_holder_renews_its_lock(redis_client: aioredis.Redis) -> None:
    cache = RedisTokenCache(redis_client, lock_ttl=30)
    async with cache.lock(KEY):
        owner = (await redis_client.get(cache.lock_key(KEY))).decode()
        await redis_client.pexpire(cache.lock_key(KEY), 5000)
        assert await cache._renew(keys=[cache.lock_key(KEY)], args=[owner, 30000]) == 1
        assert await redis_client.pttl(cache.lock_key(KEY)) > 5000
        assert await cache._renew(keys=[cache.lock_key(KEY)], args=["not the owner", 90000]) == 0
        assert await redis_client.pttl(cache.lock_key(KEY)) <= 30000


async def test_concurrent_clients_make_one_token_call(serve: Serve, redis_server: RedisServer) -> None:
    server = serve(rate=None)
    server.faults.add(SLOW_TOKEN)
    caches = [RedisTokenCache.from_url(redis_server.url) for _ in range(6)]  # as six processes would
    try:
        ids = await asyncio.gather(*hierarchy_calls(server, list(caches)))
    finally:
        await asyncio.gather(*(cache.aclose() for cache in caches))
    assert ids == [server.account_id] * 6
    assert server.journal.token_calls == 1


def test_threads_of_sync_clients_make_one_token_call(serve: Serve, redis_server: RedisServer) -> None:
    server = serve(rate=None)
    server.faults.add(SLOW_TOKEN)
    start = threading.Barrier(5)
    results: list[str] = []

    def thread() -> None:
        cache = RedisTokenCache.from_url(redis_server.url)
        start.wait(timeout=30)
        with Amnimo(
            server.client_id, server.secret_key, base_url=server.base_url, token_cache=cache
        ) as amnimo:
            results.append(amnimo.accounts.hierarchy(server.account_id).account_id)
            amnimo.run(lambda _client: cache.aclose())  # in the client's loop, where it connected

    threads = [threading.Thread(target=thread) for _ in range(5)]
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=60)
    assert results == [server.account_id] * 5
    assert server.journal.token_calls == 1


def test_cold_processes_make_one_token_call(serve: Serve, redis_server: RedisServer) -> None:
    server = serve(rate=None)
    server.faults.add(SLOW_TOKEN)
    reports = run_together(start_workers(4, "hierarchy", server, redis_server.url))
    assert [report["account"] for report in reports] == [server.account_id] * 4
    assert sum(report["token_calls"] for report in reports) == 1
    assert server.journal.token_calls == 1


async def test_a_rejected_token_is_replaced_once_for_everyone(
    serve: Serve, redis_server: RedisServer
) -> None:
    server = serve(rate=None)
    caches = [RedisTokenCache.from_url(redis_server.url) for _ in range(4)]
    clients = [client_of(server, token_cache=cache, rate=None) for cache in caches]
    try:
        await asyncio.gather(*(amnimo.accounts.hierarchy(server.account_id) for amnimo in clients))
        assert server.journal.token_calls == 1
        server.expire_all_tokens()  # every client's token is now refused (403 expired)
        await asyncio.gather(*(amnimo.accounts.hierarchy(server.account_id) for amnimo in clients))
    finally:
        for amnimo in clients:
            await amnimo.aclose()
        await asyncio.gather(*(cache.aclose() for cache in caches))
    assert server.journal.token_calls == 2
    assert server.journal.count(route="getHierarchy", status=403) == 4
    assert server.journal.count(route="getHierarchy", status=200) == 8


async def test_without_redis_the_file_cache_serves_and_redis_is_used_again_when_back(
    serve: Serve, redis_server: RedisServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = serve(rate=None)
    server.faults.add(SLOW_TOKEN)
    redis_server.kill()  # unreachable from the start
    link = RedisLink.from_url(redis_server.url, probe_interval=0)  # try again on every call
    cache = RedisTokenCache(link, fallback=FileTokenCache(tmp_path))
    try:
        with caplog.at_level(logging.WARNING, logger="amnimo_async"):
            ids = await asyncio.gather(*hierarchy_calls(server, [cache] * 4))
            assert ids == [server.account_id] * 4
            assert server.journal.token_calls == 1  # the others found it in the file cache
            assert not link.up
            down = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
            assert len(down) == 1
            assert "FileTokenCache" in down[0]

            redis_server.start()  # back, and empty
            await asyncio.gather(*hierarchy_calls(server, [cache]))
            assert link.up
            assert any("answers again after" in r.getMessage() for r in caplog.records)
    finally:
        await cache.aclose()
    # The token fetched during the outage came from the file cache: no second token call.
    assert server.journal.token_calls == 1


async def test_a_store_reaches_the_fallback_so_it_is_current_when_redis_goes(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    fallback = FileTokenCache(tmp_path)
    cache = RedisTokenCache(RedisLink.from_url(redis_server.url), fallback=fallback, clock=lambda: NOW)
    cache.bind_secret(KEY, SECRET)
    try:
        await cache.store(KEY, token(7))
        assert await fallback.load(KEY) == token(7)  # the client's secret was bound to it too
        redis_server.kill()
        assert await cache.load(KEY) == token(7)
        async with cache.lock(KEY):  # the file's lock, while Redis is down
            assert fallback.lock_path(KEY).exists()
    finally:
        await cache.aclose()


async def test_the_redis_password_never_reaches_a_log_line(
    redis_server: RedisServer, redis_client: aioredis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    await redis_client.config_set("requirepass", "the-right-password")
    password = "pa55word-of-the-redis-server"
    cache = RedisTokenCache.from_url(f"redis://:{password}@127.0.0.1:{redis_server.port}/0")
    try:
        with caplog.at_level(logging.DEBUG, logger="amnimo_async"):
            assert await cache.load(KEY) is None  # AUTH is refused: the fallback answers
    finally:
        with contextlib.suppress(Exception):
            await cache.aclose()
    assert caplog.records
    assert all(password not in record.getMessage() for record in caplog.records)
    assert not cache.link.up


async def test_in_memory_is_the_fallback_by_default(redis_client: aioredis.Redis) -> None:
    assert isinstance(RedisTokenCache(redis_client).fallback, InMemoryTokenCache)


async def test_bad_settings_are_refused(redis_client: aioredis.Redis) -> None:
    with pytest.raises(ValueError, match="lock_ttl"):
        RedisTokenCache(redis_client, lock_ttl=0)
