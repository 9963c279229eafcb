"""The pytest fixtures documented for users (``fake_amnimo``, ``amnimo_client``), and starting the
fake on loopback again and again."""

from __future__ import annotations

import httpx
import pytest

from amnimo_async import AsyncAmnimo, RetryPolicy
from amnimo_async.testing import DataProfile, FakeAmnimo, FakeServer, Fault


async def test_default_fixtures(amnimo_client: AsyncAmnimo, fake_amnimo: FakeServer) -> None:
    assert isinstance(amnimo_client, AsyncAmnimo)
    assert amnimo_client.transport.base_url == fake_amnimo.base_url
    assert fake_amnimo.running
    root = await amnimo_client.accounts.hierarchy(fake_amnimo.account_id)
    assert root.subscription_ids() == fake_amnimo.subscription_ids
    for sub in root.subscription_ids():
        page = await amnimo_client.cameras.list(sub)
        assert [c.id for c in page.cameras] == [c["id"] for c in fake_amnimo.world.cameras(sub)]
    assert fake_amnimo.journal.token_calls == 1
    assert fake_amnimo.journal.count(route="listCameras", status=200) == 3
    assert fake_amnimo.journal.rate_limited == 0


@pytest.mark.fake_amnimo(
    seed=5,
    rate=None,
    profile=DataProfile.explicit([{"cameras": 3, "media": 4, "devices": 1}]),
    faults=[Fault(route="getCamera", kind="status", status=503, times=1)],
)
@pytest.mark.amnimo_client(rate=None, max_retries=1)
async def test_fixtures_take_marker_options(amnimo_client: AsyncAmnimo, fake_amnimo: FakeServer) -> None:
    assert fake_amnimo.fake.seed == 5
    assert fake_amnimo.fake.rate is None
    assert amnimo_client.transport.limiter.rate is None
    assert amnimo_client.transport.retry.max_retries == 1
    amnimo_client.transport.retry = RetryPolicy(max_retries=1, backoff_base=0.01, backoff_cap=0.02)
    sub = fake_amnimo.subscription_ids[0]
    camera_id = fake_amnimo.world.camera_id(sub, 2)
    camera = await amnimo_client.cameras.get(sub, camera_id)  # through the armed 503
    assert camera.id == camera_id
    assert fake_amnimo.journal.count(route="getCamera", status=503) == 1
    assert fake_amnimo.journal.count(route="getCamera", status=200) == 1
    assert len(await amnimo_client.media.search(sub)) == 4


def test_the_fake_starts_and_stops_again_and_again() -> None:
    fake = FakeAmnimo(seed=2, rate=None)
    ports = []
    for _ in range(3):
        with fake.serve() as server:
            assert server.running
            ports.append(server.port)
            with httpx.Client(base_url=server.base_url) as http:
                answer = http.post(
                    "/oauth2/token",
                    data={"grant_type": "client_credentials"},
                    auth=(server.client_id, server.secret_key),
                )
                assert answer.status_code == 200
        assert not server.running
    for seed in range(3):
        with FakeAmnimo(seed=seed).serve() as server:
            assert server.base_url.startswith("http://127.0.0.1:")
            assert server.base_url.endswith("/ex")
    assert fake.journal.tokens_issued == 3
    with pytest.raises(httpx.ConnectError), httpx.Client() as http:
        http.get(f"http://127.0.0.1:{ports[-1]}/ex/oauth2/token")


async def test_a_client_outlives_a_restart_on_the_same_port() -> None:
    fake = FakeAmnimo(seed=4, rate=None)
    with fake.serve() as server:
        port = server.port
        async with AsyncAmnimo(
            server.client_id, server.secret_key, base_url=server.base_url, rate=None
        ) as amnimo:
            amnimo.transport.retry = RetryPolicy(max_retries=3, backoff_base=0.01, backoff_cap=0.05)
            sub = server.subscription_ids[0]
            first = await amnimo.cameras.list(sub)
            server.stop()
            with fake.serve(port=port):
                second = await amnimo.cameras.list(sub)
    assert [c.id for c in first.cameras] == [c.id for c in second.cameras]
    assert fake.journal.token_calls == 1
    assert fake.journal.count(route="listCameras", status=200) == 2
