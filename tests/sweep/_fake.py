"""Clients on an in-process FakeAmnimo (ASGITransport), for quick sweep tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from amnimo_async import AsyncAmnimo
from amnimo_async.testing import DataProfile, FakeAmnimo


def fake_with(subscriptions: Sequence[Mapping[str, int]], **kwargs: Any) -> FakeAmnimo:
    return FakeAmnimo(seed=7, profile=DataProfile.explicit(list(subscriptions)), rate=None, **kwargs)


def client_on(fake: FakeAmnimo, **kwargs: Any) -> AsyncAmnimo:
    kwargs.setdefault("rate", None)
    return AsyncAmnimo(
        fake.client_id,
        fake.secret_key,
        base_url=fake.asgi_base_url,
        http_client=httpx.AsyncClient(transport=fake.asgi_transport(), base_url=fake.asgi_base_url),
        **kwargs,
    )
