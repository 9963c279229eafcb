"""FileTokenCache: a token cache in files, safe across processes, counting the month's tokens."""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import anyio
import httpx
import pytest

from amnimo_async import AsyncAmnimo, Token, TokenCache, _file_cache
from amnimo_async._file_cache import FileTokenCache, default_cache_directory
from amnimo_async.testing import FakeAmnimo

KEY = "https://api.amnimo.com/ex|client-id-12345"
SECRET = "secret-key-of-client-id-12345"
NOV = datetime(2026, 11, 20, 12, tzinfo=timezone.utc).timestamp()
DEC = datetime(2026, 12, 1, 0, 0, 1, tzinfo=timezone.utc).timestamp()


def token(n: int = 1, issued_at: float = NOV) -> Token:
    return Token(f"access-token-{n:04d}", issued_at=issued_at, expires_at=issued_at + 7200)


class Clock:
    def __init__(self, now: float = NOV) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cache(tmp_path: Path) -> FileTokenCache:
    return FileTokenCache(tmp_path / "amnimo", secret_key=SECRET, clock=Clock())


def test_is_a_token_cache(cache: FileTokenCache) -> None:
    assert isinstance(cache, TokenCache)


def test_default_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_directory() == tmp_path / "amnimo"
    assert FileTokenCache().directory == tmp_path / "amnimo"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_directory() == Path.home() / ".cache" / "amnimo"


async def test_round_trip_modes_and_names(cache: FileTokenCache) -> None:
    assert await cache.load(KEY) is None
    await cache.store(KEY, token())
    assert await cache.load(KEY) == token()
    path = cache.path(KEY)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.directory.stat().st_mode) == 0o700
    assert "client-id" not in path.name
    assert "access-token" not in path.name
    assert [p.name for p in cache.directory.iterdir() if p.suffix == ".tmp"] == []
    async with cache.lock(KEY):
        pass
    assert stat.S_IMODE(cache.lock_path(KEY).stat().st_mode) == 0o600


async def test_clear_forgets_the_token_but_keeps_the_count(cache: FileTokenCache) -> None:
    await cache.store(KEY, token())
    await cache.clear(KEY)
    assert await cache.load(KEY) is None
    assert cache.month_count(KEY) == 1
    await cache.clear("never stored")  # no file: nothing to do


async def test_replace_is_atomic(cache: FileTokenCache, monkeypatch: pytest.MonkeyPatch) -> None:
    await cache.store(KEY, token(1))

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        await cache.store(KEY, token(2))
    monkeypatch.undo()
    assert await cache.load(KEY) == token(1)  # the old file is whole
    assert sorted(p.name for p in cache.directory.iterdir()) == [cache.path(KEY).name]


@pytest.mark.parametrize(
    "content", [b"{not json", b"[1, 2]", b'{"format": 1, "key": "other"}', b"\xff\xfe", b"[" * 100_000]
)
async def test_corrupt_file_is_ignored_with_a_warning(
    cache: FileTokenCache, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    cache.directory.mkdir(parents=True)
    cache.path(KEY).write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="amnimo_async"):
        assert await cache.load(KEY) is None
    assert any("corrupt" in r.getMessage() for r in caplog.records)
    await cache.store(KEY, token())  # and it is replaced by a good one
    assert await cache.load(KEY) == token()


async def test_token_of_the_wrong_shape_is_ignored(cache: FileTokenCache) -> None:
    await cache.store(KEY, token())
    data = json.loads(cache.path(KEY).read_text())
    data["token"]["expires_at"] = "soon"
    cache.path(KEY).write_text(json.dumps(data))
    assert await cache.load(KEY) is None


async def test_unreadable_file_is_ignored(cache: FileTokenCache, caplog: pytest.LogCaptureFixture) -> None:
    cache.directory.mkdir(parents=True)
    cache.path(KEY).mkdir()  # reading a directory fails with an OSError
    with caplog.at_level(logging.WARNING, logger="amnimo_async"):
        assert await cache.load(KEY) is None
    assert any("unreadable" in r.getMessage() for r in caplog.records)


async def test_month_count_counts_new_tokens_per_calendar_month(tmp_path: Path) -> None:
    clock = Clock(NOV)
    cache = FileTokenCache(tmp_path, secret_key=SECRET, clock=clock)
    await cache.store(KEY, token(1))
    await cache.store(KEY, token(1))  # the same token again: not a token call
    await cache.store(KEY, token(2))
    assert cache.month_count(KEY) == 2
    assert cache.month_count("another key") == 0
    clock.now = DEC
    assert cache.month_count(KEY) == 0
    await cache.store(KEY, token(3, DEC))
    assert cache.usage(KEY).month == "2026-12"
    assert cache.month_count(KEY) == 1


async def test_warns_from_80_percent_of_the_quota(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = FileTokenCache(tmp_path, secret_key=SECRET, quota=10, clock=Clock())
    with caplog.at_level(logging.WARNING, logger="amnimo_async"):
        for n in range(1, 8):
            await cache.store(KEY, token(n))
        assert caplog.records == []
        await cache.store(KEY, token(8))
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "8 of 10 token calls" in message
    assert "access-token" not in message


def test_quota_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="quota"):
        FileTokenCache(tmp_path, quota=0)


async def test_lock_excludes_other_holders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two caches on one directory open the lock file separately, as two processes would.
    first, second = FileTokenCache(tmp_path), FileTokenCache(tmp_path)
    order: list[str] = []
    first_in, refused = anyio.Event(), anyio.Event()
    try_lock = _file_cache._try_lock

    def observed_try_lock(fd: int) -> bool:  # the real flock attempt, seen from outside
        taken = try_lock(fd)
        if not taken:
            refused.set()
        return taken

    monkeypatch.setattr(_file_cache, "_try_lock", observed_try_lock)

    async def hold() -> None:
        async with first.lock(KEY):
            order.append("first in")
            first_in.set()
            # Held until the second has been turned away; a lock that lets it in fails the order check.
            with anyio.move_on_after(10):
                await refused.wait()
            order.append("first out")

    async def wait() -> None:
        await first_in.wait()
        async with second.lock(KEY):
            order.append("second in")

    with anyio.fail_after(30):  # hang guard
        async with anyio.create_task_group() as group:
            group.start_soon(hold)
            group.start_soon(wait)
    assert order == ["first in", "first out", "second in"]
    assert refused.is_set()


async def test_clients_share_the_token_and_never_store_the_secret(tmp_path: Path) -> None:
    fake = FakeAmnimo(seed=2, rate=None)
    cache = FileTokenCache(tmp_path)  # the client hands it the secret to seal the token with

    async def hierarchy() -> None:
        async with (
            httpx.AsyncClient(transport=fake.asgi_transport()) as http,
            AsyncAmnimo(
                fake.client_id,
                fake.secret_key,
                base_url=fake.asgi_base_url,
                token_cache=cache,
                http_client=http,
            ) as amnimo,
        ):
            await amnimo.accounts.hierarchy(fake.account_id)

    async with anyio.create_task_group() as group:
        for _ in range(3):
            group.start_soon(hierarchy)
    await hierarchy()
    assert fake.journal.token_calls == 1
    key = f"{fake.asgi_base_url}|{fake.client_id}"
    assert cache.month_count(key) == 1
    names, text = files_of(tmp_path)
    assert fake.secret_key not in text
    assert all(fake.secret_key not in name and fake.client_id not in name for name in names)


def files_of(directory: Path) -> tuple[list[str], str]:
    """The names of the files in ``directory`` and the text of its .json files."""
    files = list(directory.iterdir())
    return [p.name for p in files], "".join(p.read_text() for p in files if p.suffix == ".json")
