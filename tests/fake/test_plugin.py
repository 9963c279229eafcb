"""The pytest plugin's fixtures and marker."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from amnimo_async.testing import DataProfile, FakeServer, Fault

from .conftest import basic


@pytest.mark.fake_amnimo(
    seed=3,
    rate=None,
    profile=DataProfile.sizes(),
    faults=[Fault(route="issueToken", kind="status", status=503, times=1)],
)
def test_fake_amnimo_fixture_takes_marker_options(fake_amnimo: FakeServer) -> None:
    assert fake_amnimo.running
    assert fake_amnimo.fake.seed == 3
    assert len(fake_amnimo.subscription_ids) == 3
    assert fake_amnimo.world.camera_count(fake_amnimo.subscription_ids[2]) == 501
    with httpx.Client(base_url=fake_amnimo.base_url) as http:
        form = {"grant_type": "client_credentials"}
        headers = basic(fake_amnimo.client_id, fake_amnimo.secret_key)
        assert http.post("/oauth2/token", data=form, headers=headers).status_code == 503
        assert http.post("/oauth2/token", data=form, headers=headers).status_code == 200
    assert fake_amnimo.journal.token_calls == 2
    assert len(fake_amnimo.faults) == 1


def test_fake_amnimo_fixture_defaults(fake_amnimo: FakeServer) -> None:
    assert fake_amnimo.fake.rate == 5.0
    assert fake_amnimo.fake.burst == 20
    assert fake_amnimo.base_url.startswith("http://127.0.0.1:")


def _sdk_client_available() -> bool:
    try:
        from amnimo_async import AsyncAmnimo  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _sdk_client_available(), reason="amnimo_async.AsyncAmnimo not there yet")
async def test_amnimo_client_fixture(amnimo_client: Any, fake_amnimo: FakeServer) -> None:
    hierarchy = await amnimo_client.accounts.hierarchy(fake_amnimo.account_id)
    assert hierarchy is not None
    assert fake_amnimo.journal.tokens_issued == 1
    assert fake_amnimo.journal.count(route="getHierarchy", status=200) == 1
