"""The token cache a client uses when given none: a file in the user cache directory, or what
``AMNIMO_TOKEN_CACHE`` says; in memory, with one warning, where no directory can be written.

Every test has its own ``HOME`` and ``XDG_CACHE_HOME`` (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import types
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from amnimo_async import (
    Amnimo,
    AsyncAmnimo,
    ConfigurationError,
    FileTokenCache,
    InMemoryTokenCache,
    ValidationError,
)
from amnimo_async import _default_token_cache as choice
from amnimo_async._tokens import TokenCache

from .conftest import BASE_URL, CAMERA, CLIENT_ID, SECRET_KEY, SUB, FakeAPI

PAGE = {"total": 0, "page": 0, "size": 500, "cameras": []}
REDIS_URL = "redis://127.0.0.1:6379/0"


@contextlib.asynccontextmanager
async def default_client(api: FakeAPI, **options: Any) -> AsyncIterator[AsyncAmnimo]:
    """A client given no ``token_cache`` (nor ``rate``, unless ``options`` say), answered by ``api``."""
    options.setdefault("rate", None)
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(api)) as http,
        AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL, http_client=http, **options) as client,
    ):
        yield client


async def two_runs(api: FakeAPI) -> list[TokenCache]:
    """Two clients one after the other, as two runs of a script would be; their caches."""
    api.reply(json=PAGE)
    caches = []
    for _ in range(2):
        async with default_client(api) as amnimo:
            await amnimo.cameras.list(SUB)
            caches.append(amnimo.transport.tokens.cache)
    return caches


@pytest.fixture
def warnings_once_more(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget that this process already warned about keeping tokens in memory."""
    monkeypatch.setattr(choice, "_warned_in_memory", False)


def amnimo_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == "amnimo_async" and r.levelno == logging.WARNING
    ]


async def test_by_default_the_token_outlives_the_client_in_the_user_cache_directory(
    api: FakeAPI, isolated_home: Path
) -> None:
    caches = await two_runs(api)
    directory = isolated_home / ".cache" / "amnimo"
    assert all(isinstance(cache, FileTokenCache) and cache.directory == directory for cache in caches)
    assert len(api.token_calls) == 1
    assert len(api.api_calls) == 2
    assert len(list(directory.glob("token-*.json"))) == 1


async def test_memory_keeps_each_client_to_itself(
    api: FakeAPI, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMNIMO_TOKEN_CACHE", "memory")
    caches = await two_runs(api)
    assert all(isinstance(cache, InMemoryTokenCache) for cache in caches)
    assert len(api.token_calls) == 2
    assert not (isolated_home / ".cache" / "amnimo").exists()


async def test_a_directory_holds_the_token(
    api: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "made" / "for" / "tokens"
    monkeypatch.setenv("AMNIMO_TOKEN_CACHE", str(directory))
    caches = await two_runs(api)
    assert all(isinstance(cache, FileTokenCache) and cache.directory == directory for cache in caches)
    assert len(api.token_calls) == 1
    assert len(list(directory.glob("token-*.json"))) == 1


def test_a_directory_that_cannot_be_one_is_refused_when_the_client_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")
    monkeypatch.setenv("AMNIMO_TOKEN_CACHE", str(not_a_directory))
    with pytest.raises(ConfigurationError) as info:
        AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL)
    assert "AMNIMO_TOKEN_CACHE" in str(info.value)
    assert str(not_a_directory) in str(info.value)


def test_a_redis_url_without_the_redis_extra_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, choice.REDIS_MODULE, None)  # None in sys.modules: not importable
    monkeypatch.setenv("AMNIMO_TOKEN_CACHE", "redis://:hunter2-password@127.0.0.1:6379/0")
    with pytest.raises(ConfigurationError) as info:
        AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL)
    assert "[redis]" in str(info.value)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize("url", [REDIS_URL, "rediss://cache.example:6380/1", "unix:///run/redis.sock"])
async def test_a_redis_url_goes_to_the_redis_cache_with_the_file_cache_behind_it(
    url: str, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[tuple[str, TokenCache]] = []
    closed: list[RedisTokenCache] = []

    class RedisTokenCache(InMemoryTokenCache):
        @classmethod
        def from_url(cls, url: str, *, fallback: TokenCache) -> RedisTokenCache:
            built.append((url, fallback))
            return cls()

        async def aclose(self) -> None:
            closed.append(self)

    module = types.ModuleType(choice.REDIS_MODULE)
    module.RedisTokenCache = RedisTokenCache  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, choice.REDIS_MODULE, module)
    monkeypatch.setenv("AMNIMO_TOKEN_CACHE", url)
    async with AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL) as amnimo:
        cache = amnimo.transport.tokens.cache
        assert isinstance(cache, RedisTokenCache)
        assert closed == []
    assert closed == [cache]  # the client made it, so the client closes it (its connections)
    [(asked, fallback)] = built
    assert asked == url
    assert isinstance(fallback, FileTokenCache)
    assert fallback.directory == isolated_home / ".cache" / "amnimo"


async def test_an_unwritable_cache_directory_keeps_tokens_in_memory_with_one_warning(
    api: FakeAPI,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    warnings_once_more: None,
) -> None:
    blocked = isolated_home / "blocked"
    blocked.write_text("a file where the cache directory's parent should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # root cannot write below a file either
    caches = await two_runs(api)
    assert all(isinstance(cache, InMemoryTokenCache) for cache in caches)
    assert len(api.token_calls) == 2
    [warning] = amnimo_warnings(caplog)
    assert str(blocked / "amnimo") in warning
    assert "memory" in warning
    assert "token_cache=" in warning
    assert "AMNIMO_TOKEN_CACHE" in warning
    assert SECRET_KEY not in caplog.text


def test_no_home_at_all_keeps_tokens_in_memory_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, warnings_once_more: None
) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    amnimo = AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL)
    assert isinstance(amnimo.transport.tokens.cache, InMemoryTokenCache)
    [warning] = amnimo_warnings(caplog)
    assert "home directory" in warning


async def test_a_token_cache_passed_in_is_left_open(api: FakeAPI) -> None:
    class ClosableCache(InMemoryTokenCache):
        closed = False

        async def aclose(self) -> None:
            self.closed = True

    cache = ClosableCache()
    async with default_client(api, token_cache=cache):
        pass
    assert not cache.closed


def test_an_explicit_token_cache_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")
    monkeypatch.setenv("AMNIMO_TOKEN_CACHE", str(not_a_directory))  # would be refused if consulted
    cache = InMemoryTokenCache()
    amnimo = AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL, token_cache=cache)
    assert amnimo.transport.tokens.cache is cache


def test_the_blocking_client_chooses_the_same_way(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AMNIMO_TOKEN_CACHE", str(tmp_path / "sync-tokens"))
    with Amnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL) as amnimo:
        cache = amnimo._portal.client.transport.tokens.cache
    assert isinstance(cache, FileTokenCache)
    assert cache.directory == tmp_path / "sync-tokens"


def test_something_that_is_not_a_token_cache_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL, token_cache={"a": "dict"})  # type: ignore[arg-type]
    assert info.value.argument == "token_cache"


# --- rate_limiter ----------------------------------------------------------------------------


class CountingLimiter:
    """A user's own limiter: grants at once and remembers what it was told."""

    def __init__(self) -> None:
        self.acquired = 0
        self.slowed: list[tuple[float, float | None]] = []

    async def acquire(self) -> float:
        self.acquired += 1
        return float(self.acquired)

    async def slow_down(self, pause: float, granted_at: float | None = None) -> None:
        self.slowed.append((pause, granted_at))


async def test_a_rate_limiter_given_replaces_the_local_one(api: FakeAPI) -> None:
    limiter = CountingLimiter()
    api.reply(429, json=[{"status": "429", "message": "Too Many Requests"}], headers={"Retry-After": "0"})
    api.reply(json={"id": CAMERA})
    async with default_client(api, rate=5, burst=20, rate_limiter=limiter, max_retries=1) as amnimo:
        amnimo.transport.sleep = _no_sleep
        assert amnimo.transport.limiter is limiter
        await amnimo.cameras.get(SUB, CAMERA)
    assert limiter.acquired == len(api.calls) == 3  # the token call, the 429, the retry
    assert [granted for _, granted in limiter.slowed] == [2.0]  # the 429 names its own grant


async def _no_sleep(seconds: float) -> None:
    return None


class SyncAcquire:
    def acquire(self) -> float:
        return 0.0

    async def slow_down(self, pause: float, granted_at: float | None = None) -> None:
        return None


@pytest.mark.parametrize("limiter", [object(), "5/s", SyncAcquire()], ids=["object", "str", "sync-acquire"])
def test_something_that_is_not_a_rate_limiter_is_refused(limiter: object) -> None:
    with pytest.raises(ValidationError) as info:
        AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL, rate_limiter=limiter)  # type: ignore[arg-type]
    assert info.value.argument == "rate_limiter"
    assert "acquire" in str(info.value)


def test_the_blocking_client_passes_the_rate_limiter_through() -> None:
    limiter = CountingLimiter()
    with Amnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL, rate_limiter=limiter) as amnimo:
        assert amnimo._portal.client.transport.limiter is limiter
