"""Faults seen from the client side, over a real loopback socket (and in process)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from amnimo_async.testing import FakeAmnimo, FakeServer, Fault

from .conftest import asgi_client, bearer, fetch_token

TRANSPORT_ERRORS = (httpx.ReadError, httpx.RemoteProtocolError)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeAmnimo(seed=7, rate=None).serve() as running:
        yield running


@pytest.fixture
async def http(server: FakeServer) -> AsyncIterator[httpx.AsyncClient]:
    server.faults.clear()
    server.journal.clear()
    token = server.fake.issue_token()
    async with httpx.AsyncClient(base_url=server.base_url, headers=bearer(token)) as client:
        yield client
    server.faults.clear()


def cameras_url(server: FakeServer) -> str:
    return f"/partitions/{server.subscription_ids[0]}/cameras"


async def test_reset_before_the_answer(server: FakeServer, http: httpx.AsyncClient) -> None:
    server.faults.add(Fault(route="listCameras", kind="reset", schedule=[1, 3]))
    url = cameras_url(server)
    with pytest.raises(TRANSPORT_ERRORS):
        await http.get(url)
    assert (await http.get(url)).status_code == 200
    with pytest.raises(TRANSPORT_ERRORS):
        await http.get(url)
    assert (await http.get(url)).status_code == 200
    entries = server.journal.entries
    assert [(e.status, e.fault) for e in entries] == [(0, "reset"), (200, None), (0, "reset"), (200, None)]


async def test_reset_after_processing_keeps_the_side_effect(
    server: FakeServer, http: httpx.AsyncClient
) -> None:
    sub = server.subscription_ids[0]
    camera = server.world.camera_id(sub, 0)
    before = len(server.world.media(sub))
    server.faults.add(Fault(route="createMedia", kind="reset", processed=True, times=1))
    with pytest.raises(TRANSPORT_ERRORS):
        await http.post(
            f"/partitions/{sub}/cameras/{camera}/media",
            json={"category": "SNAPSHOT", "startTime": "2026-02-20T10:00:00.000Z"},
        )
    assert len(server.world.media(sub)) == before + 1


async def test_reset_in_the_middle_of_the_body(server: FakeServer, http: httpx.AsyncClient) -> None:
    server.faults.add(Fault(route="listCameras", kind="reset_mid_body", times=1))
    async with http.stream("GET", cameras_url(server)) as response:
        assert response.status_code == 200
        expected = int(response.headers["content-length"])
        received: list[bytes] = []

        async def read_all() -> None:
            async for chunk in response.aiter_raw():
                received.append(chunk)

        with pytest.raises(TRANSPORT_ERRORS):
            await read_all()
        assert len(b"".join(received)) < expected


async def test_truncated_json(server: FakeServer, http: httpx.AsyncClient) -> None:
    server.faults.add(Fault(route="listCameras", kind="truncate", times=1))
    response = await http.get(cameras_url(server))
    assert response.status_code == 200
    assert len(response.content) == int(response.headers["content-length"]) > 0
    with pytest.raises(ValueError, match=r"(?i)unterminated|expecting|delimiter"):
        response.json()
    whole = await http.get(cameras_url(server))
    # (Not a byte prefix: presigned thumbnail URLs carry an expiry that moves with the clock.)
    assert whole.json()["total"] > 0
    assert len(whole.content) > len(response.content)


async def test_malformed_body(server: FakeServer, http: httpx.AsyncClient) -> None:
    server.faults.add(Fault(route="getHierarchy", kind="malformed", times=1))
    response = await http.get(f"/accounts/{server.account_id}/hierarchy")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(ValueError, match="Expecting value"):
        response.json()


async def test_slow_body_trips_the_read_timeout(server: FakeServer, http: httpx.AsyncClient) -> None:
    server.faults.add(Fault(route="listCameras", kind="slow_body", chunk_delay=0.3, times=1))
    with pytest.raises(httpx.ReadTimeout):
        await http.get(cameras_url(server), timeout=httpx.Timeout(2.0, read=0.1))
    assert (await http.get(cameras_url(server))).status_code == 200


async def test_slow_body_completes_for_a_patient_client(server: FakeServer, http: httpx.AsyncClient) -> None:
    server.faults.add(
        Fault(route="getHierarchy", kind="slow_body", chunk_size=512, chunk_delay=0.01, times=1)
    )
    response = await http.get(f"/accounts/{server.account_id}/hierarchy")
    assert response.json() == server.world.hierarchy()


async def test_latency(server: FakeServer, http: httpx.AsyncClient) -> None:
    server.faults.add(Fault(route="getCamera", kind="latency", latency=0.05, jitter=0.015))
    sub = server.subscription_ids[0]
    started = time.perf_counter()
    response = await http.get(f"/partitions/{sub}/cameras/{server.world.camera_id(sub, 0)}")
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.05
    assert server.journal.entries[-1].duration >= 0.05


async def test_status_and_storm(server: FakeServer, http: httpx.AsyncClient) -> None:
    server.faults.add(Fault(route="listCameras", kind="status", status=503, schedule=[1, 3]))
    server.faults.add(Fault(route="getHierarchy", kind="rate_limit", times=3))
    statuses = [(await http.get(cameras_url(server))).status_code for _ in range(4)]
    assert statuses == [503, 200, 503, 200]
    failed = await http.get(cameras_url(server))
    assert failed.status_code == 200
    hierarchy = f"/accounts/{server.account_id}/hierarchy"
    storm = [(await http.get(hierarchy)).status_code for _ in range(4)]
    assert storm == [429, 429, 429, 200]
    assert server.journal.rate_limited == 3


async def test_error_statuses_carry_the_error_body() -> None:
    fake = FakeAmnimo(rate=None)
    for status in (500, 502, 503, 504):
        fake.faults.clear()
        fake.faults.add(Fault(kind="status", status=status))
        async with asgi_client(fake, fake.issue_token()) as http:
            response = await http.get(f"/accounts/{fake.account_id}/hierarchy")
        body = response.json()
        assert response.status_code == status
        assert response.headers["content-type"] == "application/json"
        assert body[0]["status"] == httpx.codes.get_reason_phrase(status).upper()


async def test_token_route_faults() -> None:
    fake = FakeAmnimo(rate=None)
    fake.faults.add(Fault(route="issueToken", kind="status", status=503, times=1))
    async with asgi_client(fake) as http:
        assert (await fetch_token(http, fake.client_id, fake.secret_key)).status_code == 503
        assert (await fetch_token(http, fake.client_id, fake.secret_key)).status_code == 200
    assert fake.journal.token_calls == 2
    assert fake.journal.tokens_issued == 1


async def test_probability_is_seeded() -> None:
    outcomes = []
    for _ in range(2):
        fake = FakeAmnimo(seed=11, rate=None)
        fake.faults.add(Fault(kind="status", status=500, probability=0.5))
        async with asgi_client(fake, fake.issue_token()) as http:
            path = f"/accounts/{fake.account_id}/hierarchy"
            outcomes.append([(await http.get(path)).status_code for _ in range(40)])
    assert outcomes[0] == outcomes[1]
    assert 5 < outcomes[0].count(500) < 35


async def test_wildcard_covers_the_api_but_not_file_urls() -> None:
    fake = FakeAmnimo(rate=None)
    sub = fake.subscription_ids[0]
    async with asgi_client(fake, fake.issue_token()) as http:
        camera = (await http.get(f"/partitions/{sub}/cameras/{fake.world.camera_id(sub, 0)}")).json()
        fake.faults.add(Fault(kind="status", status=503))
        assert (await http.get(camera["thumbnail"]["url"])).status_code == 200
        assert (await http.get(f"/partitions/{sub}/cameras")).status_code == 503
        fake.faults.add(Fault(route="getThumbnailImage", kind="status", status=500))
        assert (await http.get(camera["thumbnail"]["url"])).status_code == 500


async def test_fault_for_one_client_only() -> None:
    fake = FakeAmnimo(rate=None)
    other, _ = fake.add_client()
    fake.faults.add(Fault(kind="status", status=502, client_id=other))
    async with asgi_client(fake) as http:
        path = f"/accounts/{fake.account_id}/hierarchy"
        assert (await http.get(path, headers=bearer(fake.issue_token()))).status_code == 200
        assert (await http.get(path, headers=bearer(fake.issue_token(other)))).status_code == 502


async def test_reset_in_process_raises_a_transport_error() -> None:
    fake = FakeAmnimo(rate=None)
    fake.faults.add(Fault(kind="reset", times=1), Fault(kind="reset_mid_body", times=1))
    async with asgi_client(fake, fake.issue_token()) as http:
        path = f"/accounts/{fake.account_id}/hierarchy"
        with pytest.raises(httpx.TransportError):
            await http.get(path)
        with pytest.raises(httpx.TransportError):
            await http.get(path)
        assert (await http.get(path)).status_code == 200


def test_fault_fields_are_checked() -> None:
    with pytest.raises(ValueError, match="kind"):
        Fault(kind="explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="either"):
        Fault(kind="status", schedule=[1], probability=0.5)
    with pytest.raises(ValueError, match="from 1"):
        Fault(kind="status", schedule=[0])
    assert Fault(kind="status").answer_status == 503
    assert Fault(kind="rate_limit").answer_status == 429
    assert Fault(kind="malformed").answer_status == 200
    assert Fault(kind="reset", schedule=[1, 3]).schedule == (1, 3)


async def test_a_removed_fault_stops_firing_and_the_others_keep_their_counts(
    server: FakeServer, http: httpx.AsyncClient
) -> None:
    teapot = server.faults.add(Fault(route="listCameras", kind="status", status=418))
    unavailable = server.faults.add(Fault(route="listCameras", kind="status", status=503, times=5))
    assert list(server.faults) == [teapot, unavailable]
    assert len(server.faults) == 2
    assert (await http.get(cameras_url(server))).status_code == 418  # the first armed wins
    server.faults.remove(teapot)
    assert list(server.faults) == [unavailable]
    assert (await http.get(cameras_url(server))).status_code == 503
    assert server.faults.fired(unavailable) == 1
    server.faults.clear()
    assert len(server.faults) == 0
    assert (await http.get(cameras_url(server))).status_code == 200


def test_a_batch_with_something_else_in_it_arms_nothing(server: FakeServer) -> None:
    server.faults.clear()
    with pytest.raises(TypeError, match="expected a Fault, not str"):
        server.faults.add(Fault(route="listCameras", kind="status"), "status")  # type: ignore[arg-type]
    assert len(server.faults) == 0
