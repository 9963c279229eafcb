"""Validation and sending: the generated-style functions refuse the same way, a refused call
spends nothing, and values at the edges of each documented range are sent as given.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from amnimo_async import AsyncAmnimo, ValidationError
from amnimo_async.api.cameras import list_cameras
from amnimo_async.api.media import create_media

from ._valid_arguments import ANSWERS, IDS, NAIVE, T0, invoke
from .conftest import CAMERA, SUB, FakeAPI

# --- the generated-style functions validate the same way --------------------------------------


async def test_generated_function_validates_before_sending(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    with pytest.raises(ValidationError) as info:
        await list_cameras.asyncio(amnimo, subscription_id=SUB, size=0)
    assert info.value.argument == "size"
    with pytest.raises(ValidationError) as info:
        await create_media.asyncio_detailed(
            amnimo, subscription_id=SUB, camera_id=CAMERA, category="CLIP", start_time=NAIVE
        )
    assert info.value.argument == "start_time"
    assert api.calls == []


async def test_a_refused_call_does_not_spend_the_token(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=ANSWERS["cameras.get"][1])
    await amnimo.cameras.get(SUB, CAMERA)
    before = len(api.calls)
    with pytest.raises(ValidationError):
        await amnimo.cameras.get(SUB, CAMERA, expiration=0)
    assert len(api.calls) == before == 2


# --- values at the edges of each range are sent ------------------------------------------------

_64 = "名" * 64  # 64 characters (not bytes)

VALID_CASES = [
    *(
        pytest.param(op, {"expiration": v}, "query", ("expiration", str(v)), id=f"{op}-expiration-{v}")
        for op in ["cameras.list", "cameras.get", "cameras.thumbnails", "media.get"]
        for v in (1, 10080)
    ),
    pytest.param("cameras.list", {"size": 500}, "query", ("size", "500"), id="size-500"),
    pytest.param("cameras.list", {"size": 1}, "query", ("size", "1"), id="size-1"),
    pytest.param("cameras.list", {"page": 0}, "query", ("page", "0"), id="page-0"),
    pytest.param("cameras.list", {"camera_ids": IDS[:10]}, "query", ("cameraId", IDS[:10]), id="ten-ids"),
    pytest.param("cameras.list", {"camera_ids": IDS[:1]}, "query", ("cameraId", IDS[:1]), id="one-id"),
    pytest.param("cameras.thumbnails", {"limit": 1}, "query", ("limit", "1"), id="limit-1"),
    pytest.param("cameras.thumbnails", {"limit": 100}, "query", ("limit", "100"), id="limit-100"),
    pytest.param(
        "streams.start_hls", {"keep_alive_period": 10}, "query", ("keepAlivePeriod", "10"), id="kap-10"
    ),
    pytest.param(
        "streams.start_hls", {"keep_alive_period": 3600}, "query", ("keepAlivePeriod", "3600"), id="kap-3600"
    ),
    pytest.param("streams.start_hls", {"retry": 1}, "query", ("retry", "1"), id="retry-1"),
    pytest.param("streams.start_hls", {"retry": 100}, "query", ("retry", "100"), id="retry-100"),
    pytest.param("devices.list_external", {"size": 1}, "query", ("size", "1"), id="external-size-1"),
    pytest.param(
        "cameras.history",
        {"start_time": T0, "end_time": T0},
        "query",
        ("endTime", "2025-02-02T15:00:00.000Z"),
        id="history-empty-window",
    ),
    pytest.param("media.create", {"name": _64}, "json", {"name": _64}, id="create-name-64"),
    pytest.param("media.create", {"name": "n"}, "json", {"name": "n"}, id="create-name-1"),
    pytest.param("media.rename", {"name": _64}, "json", {"data": {"name": _64}}, id="rename-name-64"),
    pytest.param("media.rename", {"name": "n"}, "json", {"data": {"name": "n"}}, id="rename-name-1"),
    pytest.param("media.search", {"page_size": 1}, "json", {"pageSize": 1}, id="page_size-1"),
    pytest.param("media.search", {"page_size": 1000}, "json", {"pageSize": 1000}, id="page_size-1000"),
    pytest.param("media.search", {"page_number": 0}, "json", {"pageNumber": 0}, id="page_number-0"),
    pytest.param("media.search", {"sort_dir": "asc"}, "json", {"sortDir": "asc"}, id="sort-asc"),
    pytest.param(
        "media.search",
        {"categories": ["CLIP", "SNAPSHOT"]},
        "json",
        {"categories": ["CLIP", "SNAPSHOT"]},
        id="categories-both",
    ),
    pytest.param(
        "devices.operate_port",
        {"action": 2, "reset_timer": 1},
        "json",
        {"action": 2, "resetTimer": 1},
        id="reset_timer-1",
    ),
]


@pytest.mark.parametrize(("op", "changes", "where", "expected"), VALID_CASES)
async def test_edge_values_are_sent(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, changes: dict[str, Any], where: str, expected: Any
) -> None:
    status, body = ANSWERS[op]
    api.reply(status, json=body)
    await invoke(amnimo, op, **changes)
    call = api.only_call()
    if where == "query":
        name, value = expected
        values = value if isinstance(value, list) else [value]
        assert sorted(v for n, v in call.params if n == name) == sorted(values)
    else:
        assert call.json is not None
        assert {key: call.json.get(key) for key in expected} == expected


async def test_upper_case_and_uuid_objects_are_sent_in_canonical_form(
    amnimo: AsyncAmnimo, api: FakeAPI
) -> None:
    api.reply(json={"id": CAMERA})
    await amnimo.cameras.get(SUB.upper(), uuid.UUID(CAMERA))  # type: ignore[arg-type]
    assert api.only_call().path == f"/ex/partitions/{SUB}/cameras/{CAMERA}"


async def test_get_many_validates_every_chunk_before_sending_any(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.respond_with(lambda request: httpx.Response(500))
    ids = [*IDS, *IDS[:5], "camera-x"]  # the bad id would be in the second request
    with pytest.raises(ValidationError) as info:
        await amnimo.cameras.get_many(SUB, ids)
    assert info.value.argument.startswith("camera_ids")
    assert api.calls == []
