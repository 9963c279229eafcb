"""Building the client: credentials from arguments or environment, checked settings; and how
get_many ends when one of its concurrent requests fails."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from amnimo_async import (
    DEFAULT_BASE_URL,
    AsyncAmnimo,
    ConfigurationError,
    PermissionDeniedError,
    ValidationError,
)
from amnimo_async.testing import FakeServer

from .conftest import SUB, client_on, token_grant

ROOT = Path(__file__).resolve().parents[2]


async def test_credentials_and_base_url_fall_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMNIMO_CLIENT_ID", "env-id")
    monkeypatch.setenv("AMNIMO_SECRET_KEY", "env-secret")
    monkeypatch.setenv("AMNIMO_BASE_URL", "http://127.0.0.1:9/ex")
    async with AsyncAmnimo() as amnimo:
        assert amnimo.transport.credentials.client_id == "env-id"
        assert amnimo.transport.base_url == "http://127.0.0.1:9/ex"
    async with AsyncAmnimo("arg-id", "arg-secret", base_url="http://127.0.0.1:8/ex/") as amnimo:
        assert amnimo.transport.credentials.client_id == "arg-id"
        assert amnimo.transport.base_url == "http://127.0.0.1:8/ex"


async def test_default_base_url_is_the_real_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMNIMO_BASE_URL", raising=False)
    async with AsyncAmnimo("id", "secret") as amnimo:
        assert amnimo.transport.base_url == DEFAULT_BASE_URL == "https://api.amnimo.com/ex"


def test_missing_credentials_name_both_ways_to_give_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMNIMO_CLIENT_ID", raising=False)
    monkeypatch.delenv("AMNIMO_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError) as info:
        AsyncAmnimo(client_id="only-the-id")
    message = str(info.value)
    assert "secret_key" in message
    assert "AMNIMO_SECRET_KEY" in message
    assert "AMNIMO_CLIENT_ID" in message


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"rate": 0}, "rate"),
        ({"rate": -1.0}, "rate"),
        ({"burst": 0}, "burst"),
        ({"max_retries": -1}, "max_retries"),
        ({"base_url": "api.amnimo.com"}, "base_url"),
    ],
)
def test_bad_settings_name_the_argument(kwargs: dict[str, object], argument: str) -> None:
    with pytest.raises(ValidationError) as info:
        AsyncAmnimo("id", "secret", **kwargs)  # type: ignore[arg-type]
    assert info.value.argument == argument


# --- get_many ----------------------------------------------------------------------------------


def camera_ids(n: int) -> list[str]:
    return [f"{i:08x}-0a88-45be-9cfc-{i:012x}" for i in range(1, n + 1)]


async def test_get_many_raises_the_first_failure_itself_once_the_other_chunks_are_cancelled() -> None:
    ids = camera_ids(25)
    waiting: list[str] = []
    cancelled: list[str] = []
    others_in_flight = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return token_grant()
        first_asked = request.url.params.get_list("cameraId")[0]
        if first_asked == ids[0]:
            await others_in_flight.wait()
            return httpx.Response(403, json=[{"status": "FORBIDDEN", "message": "not your camera"}])
        waiting.append(first_asked)
        if len(waiting) == 2:
            others_in_flight.set()
        try:
            await asyncio.Event().wait()  # never answered
        except asyncio.CancelledError:
            cancelled.append(first_asked)
            raise
        raise AssertionError("unreachable")

    async with client_on(handler) as amnimo:  # type: ignore[arg-type]
        with pytest.raises(PermissionDeniedError, match="not your camera"):
            await amnimo.cameras.get_many(SUB, ids)
    assert sorted(cancelled) == sorted(waiting) == [ids[10], ids[20]]


# --- redis_url: checked before anything is built, never shown -----------------------------------

PASSWORD = "hunter2-not-to-be-shown"


@pytest.mark.parametrize(
    "url",
    [
        f"http://user:{PASSWORD}@redis:6379/0",
        f"{PASSWORD}@redis:6379",
        f"redis:{PASSWORD}",
        "",  # an explicit empty URL is no URL: it does not mean "none"
    ],
)
def test_a_redis_url_of_another_kind_is_refused_naming_the_argument(url: str) -> None:
    with pytest.raises(ValidationError) as info:
        AsyncAmnimo("id", "secret", base_url="http://127.0.0.1:9/ex", redis_url=url)
    assert info.value.argument == "redis_url"
    assert "redis://" in str(info.value)
    assert PASSWORD not in str(info.value)


def test_a_bad_amnimo_redis_url_is_refused_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMNIMO_REDIS_URL", f"https://:{PASSWORD}@redis:6379/0")
    with pytest.raises(ValidationError) as info:
        AsyncAmnimo("id", "secret", base_url="http://127.0.0.1:9/ex")
    assert info.value.argument.startswith("redis_url")
    assert "AMNIMO_REDIS_URL" in str(info.value)
    assert PASSWORD not in str(info.value)


def test_something_other_than_a_redis_client_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        AsyncAmnimo("id", "secret", base_url="http://127.0.0.1:9/ex", redis_url=6379)  # type: ignore[arg-type]
    assert info.value.argument == "redis_url"
    assert "int" in str(info.value)


# --- the core needs no redis ----------------------------------------------------------------------

WITHOUT_REDIS = """
import asyncio, os, sys
sys.modules["redis"] = None  # `import redis` now fails, as when the [redis] extra is not installed

from amnimo_async import Amnimo, AsyncAmnimo, ConfigurationError

base_url, client_id, secret_key = (os.environ[name] for name in ("FAKE_URL", "FAKE_ID", "FAKE_SECRET"))
sub = sys.argv[1]

async def main():
    async with AsyncAmnimo(client_id, secret_key, base_url=base_url) as amnimo:
        print("async", len((await amnimo.cameras.list(sub, size=2)).cameras))
    try:
        AsyncAmnimo(client_id, secret_key, base_url=base_url, redis_url="redis://127.0.0.1:9/0")
    except ConfigurationError as error:
        print("redis_url:", error)

asyncio.run(main())
with Amnimo(client_id, secret_key, base_url=base_url) as amnimo:
    print("sync", len(amnimo.cameras.list(sub, size=3).cameras))
try:
    import amnimo_async.redis
except ImportError:
    print("amnimo_async.redis needs redis")
print("loaded", sorted(m for m in sys.modules if m.startswith("amnimo_async._redis_")))
"""


@pytest.mark.fake_amnimo(rate=None)
def test_the_core_imports_and_calls_without_redis(fake_amnimo: FakeServer) -> None:
    env = {
        **os.environ,
        "FAKE_URL": fake_amnimo.base_url,
        "FAKE_ID": fake_amnimo.client_id,
        "FAKE_SECRET": fake_amnimo.secret_key,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_REDIS, fake_amnimo.subscription_ids[0]],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["async 2", "redis_url: redis_url (or AMNIMO_REDIS_URL) needs the [redis] extra: "
                         "pip install 'amnimo-async[redis]'"]  # fmt: skip
    assert lines[2:] == ["sync 3", "amnimo_async.redis needs redis", "loaded ['amnimo_async._redis_option']"]
    assert fake_amnimo.journal.count(route="listCameras", status=200) == 2
    assert "127.0.0.1:9" not in done.stderr  # nothing tried to reach the Redis URL
