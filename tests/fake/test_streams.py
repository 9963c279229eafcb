"""HLS sessions: start, playlist, update (keep-alive from now), stop, expiry by the clock."""

from __future__ import annotations

import httpx

from amnimo_async.testing import FakeAmnimo, ManualClock

from .conftest import TS, assert_error


async def test_start_update_stop(api: httpx.AsyncClient, fake: FakeAmnimo, sub: str, camera: str) -> None:
    base = f"/partitions/{sub}/cameras/{camera}/streams/hls"
    started = (await api.get(f"{base}/start", params={"dt": "live"})).json()
    assert set(started) == {"requestId", "url"}
    playlist = await api.get(started["url"])
    assert playlist.status_code == 200
    assert playlist.text.startswith("#EXTM3U")
    segment = playlist.text.splitlines()[-1]
    assert (await api.get(started["url"].rsplit("/", 1)[0] + "/" + segment)).status_code == 200
    request_id = {"requestId": started["requestId"]}
    assert (await api.get(f"{base}/update", params=request_id)).json() == {"result": "OK"}
    assert [s.request_id for s in fake.world.hls_sessions()] == [started["requestId"]]
    assert (await api.get(f"{base}/stop", params=request_id)).json() == {"result": "OK"}
    assert_error(await api.get(f"{base}/stop", params=request_id), 404)
    assert_error(await api.get(f"{base}/update", params=request_id), 404)
    assert (await api.get(started["url"])).status_code == 404
    assert fake.world.hls_sessions() == []


async def test_keep_alive_runs_out_by_the_clock(
    api: httpx.AsyncClient, clock: ManualClock, sub: str, camera: str
) -> None:
    base = f"/partitions/{sub}/cameras/{camera}/streams/hls"
    started = (await api.get(f"{base}/start", params={"dt": TS, "keepAlivePeriod": 30})).json()
    request_id = {"requestId": started["requestId"]}
    clock.advance(29)
    assert (await api.get(f"{base}/update", params=request_id)).status_code == 200
    clock.advance(29)  # 58 s after start, still alive: the update extended it to 59 s
    assert (await api.get(f"{base}/update", params=request_id)).status_code == 200
    clock.advance(30)
    assert_error(await api.get(f"{base}/update", params=request_id), 404)
    assert_error(await api.get(f"{base}/stop", params=request_id), 404)


async def test_request_id_belongs_to_its_camera(
    api: httpx.AsyncClient, fake: FakeAmnimo, sub: str, camera: str
) -> None:
    other = fake.world.camera_id(sub, 1)
    started = (
        await api.get(f"/partitions/{sub}/cameras/{camera}/streams/hls/start", params={"dt": "live"})
    ).json()
    response = await api.get(
        f"/partitions/{sub}/cameras/{other}/streams/hls/stop", params={"requestId": started["requestId"]}
    )
    assert_error(response, 404)
