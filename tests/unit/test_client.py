"""Building the client: credentials from arguments or environment, checked settings; and how
get_many ends when one of its concurrent requests fails."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from amnimo_async import (
    DEFAULT_BASE_URL,
    AsyncAmnimo,
    ConfigurationError,
    PermissionDeniedError,
    ValidationError,
)

from .conftest import SUB, client_on, token_grant


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
