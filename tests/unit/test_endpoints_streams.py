"""The HLS stream operations on the wire and back.

Expected requests are written from the vendor's v1.7 reference (its sample curl commands and
bodies) and the wire contract; sample answers are the vendor's.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from amnimo_async import AsyncAmnimo, HlsResult, HlsSession

from ._wire import CAMERA_PATH, JST, assert_bearer, assert_no_body, q
from .conftest import CAMERA, REQUEST_ID, SUB, FakeAPI

# --- streams -----------------------------------------------------------------------------------


async def test_start_hls_live(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"requestId": REQUEST_ID, "url": "https://hls.test/live.m3u8"})
    session = await amnimo.streams.start_hls(SUB, CAMERA, dt="live", keep_alive_period=60)
    call = api.only_call()
    assert (call.method, call.path) == ("GET", f"{CAMERA_PATH}/streams/hls/start")
    assert call.query == q(("dt", "live"), ("retry", "20"), ("keepAlivePeriod", "60"))
    assert_bearer(call)
    assert_no_body(call)
    assert session == HlsSession(request_id=REQUEST_ID, url="https://hls.test/live.m3u8")


async def test_start_hls_from_a_past_time(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"requestId": REQUEST_ID})
    session = await amnimo.streams.start_hls(
        SUB, CAMERA, dt=datetime(2025, 2, 3, 1, 2, 3, tzinfo=JST), retry=5
    )
    assert api.only_call().query == q(
        ("dt", "2025-02-02T16:02:03.000Z"), ("retry", "5"), ("keepAlivePeriod", "10")
    )
    assert session.request_id == REQUEST_ID
    assert session.url is None


@pytest.mark.parametrize("action", ["update_hls", "stop_hls"])
async def test_update_and_stop_hls(amnimo: AsyncAmnimo, api: FakeAPI, action: str) -> None:
    api.reply(json={"result": "OK"})
    result = await getattr(amnimo.streams, action)(SUB, CAMERA, REQUEST_ID)
    call = api.only_call()
    verb = action.removesuffix("_hls")
    assert (call.method, call.path) == ("GET", f"{CAMERA_PATH}/streams/hls/{verb}")
    assert call.query == q(("requestId", REQUEST_ID))
    assert_bearer(call)
    assert result == HlsResult(result="OK")
