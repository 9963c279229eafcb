"""Fixtures for the tests of FakeAmnimo itself (plain httpx, no SDK)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from amnimo_async.testing import FakeAmnimo, ManualClock

TS = "2026-02-20T10:00:00.000Z"


def basic(client_id: str, secret_key: str) -> dict[str, str]:
    """The Authorization header of a token call."""
    raw = base64.b64encode(f"{client_id}:{secret_key}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of an API call."""
    return {"Authorization": f"Bearer {token}"}


async def fetch_token(http: httpx.AsyncClient, client_id: str, secret_key: str) -> httpx.Response:
    """A token call as the vendor documents it."""
    return await http.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret_key),
    )


def assert_error(
    response: httpx.Response, status: int, *, field: str | None = None, message: str | None = None
) -> dict[str, Any]:
    """Check the documented error body; answers its single entry."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list)
    assert len(body) == 1
    entry: dict[str, Any] = body[0]
    assert set(entry) == {"ts", "status", "message", "details"}
    assert entry["ts"].endswith("Z")
    assert entry["status"] == entry["status"].upper()
    assert entry["status"]
    assert isinstance(entry["details"], list)
    assert all(isinstance(d, dict) for d in entry["details"])
    if field is not None:
        assert field in entry["message"], entry
        assert any(detail.get("field") == field for detail in entry["details"]), entry
    if message is not None:
        assert message in entry["message"], entry
    return entry


def asgi_client(fake: FakeAmnimo, token: str | None = None) -> httpx.AsyncClient:
    """An httpx client calling ``fake`` in process."""
    headers = bearer(token) if token else {}
    return httpx.AsyncClient(transport=fake.asgi_transport(), base_url=fake.asgi_base_url, headers=headers)


@pytest.fixture
def clock() -> ManualClock:
    """A clock tests move by hand."""
    return ManualClock()


@pytest.fixture
def make_fake(clock: ManualClock) -> Callable[..., FakeAmnimo]:
    """FakeAmnimo factory: the manual clock and no rate limit unless told otherwise."""

    def make(**options: Any) -> FakeAmnimo:
        options.setdefault("clock", clock)
        options.setdefault("rate", None)
        return FakeAmnimo(**options)

    return make


@pytest.fixture
def fake(make_fake: Callable[..., FakeAmnimo]) -> FakeAmnimo:
    """A default fake (3 subscriptions of 20 cameras, 50 media, 5 devices)."""
    return make_fake()


@pytest.fixture
async def api(fake: FakeAmnimo) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of ``fake`` carrying a valid bearer token."""
    async with asgi_client(fake, fake.issue_token()) as http:
        yield http


@pytest.fixture
def sub(fake: FakeAmnimo) -> str:
    """The first subscription of ``fake``."""
    return fake.subscription_ids[0]


@pytest.fixture
def camera(fake: FakeAmnimo, sub: str) -> str:
    """The first camera of ``sub``."""
    return fake.world.camera_id(sub, 0)
