"""``cameras.get_many`` on the wire and back: ids asked ten at a time, in order, missing ones named.

Expected requests are written from the vendor's v1.7 reference (its sample curl commands and
bodies) and the wire contract; sample answers are the vendor's.
"""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from amnimo_async import AsyncAmnimo, NotFoundError, PermissionDeniedError

from ._wire import CAMERAS_PATH, assert_bearer, q
from .conftest import SUB, ClientFactory, FakeAPI, Responder

# --- get_many ----------------------------------------------------------------------------------


def camera_ids(n: int) -> list[str]:
    return [f"{i:08x}-0a88-45be-9cfc-{i:012x}" for i in range(1, n + 1)]


def answer_by_id(found: set[str] | None = None) -> Responder:
    """A responder for listCameras by id: every asked camera (or those in ``found``), reversed."""

    def responder(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get_list("cameraId")
        cameras = [{"id": i} for i in reversed(asked) if found is None or i in found]
        return httpx.Response(
            200, json={"total": len(cameras), "page": 0, "size": len(asked), "cameras": cameras}
        )

    return responder


async def test_get_many_sends_ten_ids_per_request_and_keeps_the_asked_order(
    amnimo: AsyncAmnimo, api: FakeAPI
) -> None:
    ids = camera_ids(25)
    api.respond_with(answer_by_id())
    cameras = await amnimo.cameras.get_many(SUB, ids)
    assert [c.id for c in cameras] == ids
    assert len(api.token_calls) == 1
    calls = api.api_calls
    assert len(calls) == 3
    sent: list[str] = []
    for call in calls:
        assert (call.method, call.path) == ("GET", CAMERAS_PATH)
        assert_bearer(call)
        names = Counter(name for name, _ in call.params)
        assert names["page"] == names["size"] == 0
        assert names["isUrl"] == names["expiration"] == 1
        assert ("isUrl", "true") in call.params
        assert ("expiration", "60") in call.params
        sent += [value for name, value in call.params if name == "cameraId"]
    assert sorted(Counter(name for name, _ in c.params)["cameraId"] for c in calls) == [5, 10, 10]
    assert sorted(sent) == sorted(ids)


async def test_get_many_dedupes_repeated_ids(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = camera_ids(3)
    api.respond_with(answer_by_id())
    cameras = await amnimo.cameras.get_many(
        SUB, [ids[2], ids[0], ids[2].upper(), ids[1], ids[0]], is_url=False
    )
    assert [c.id for c in cameras] == [ids[2], ids[0], ids[1]]
    call = api.only_call()
    assert call.query == q(
        ("cameraId", ids[2]),
        ("cameraId", ids[0]),
        ("cameraId", ids[1]),
        ("isUrl", "false"),
        ("expiration", "60"),
    )


async def test_get_many_names_missing_cameras(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = camera_ids(12)
    missing = {ids[3], ids[11]}
    api.respond_with(answer_by_id(set(ids) - missing))
    with pytest.raises(NotFoundError) as info:
        await amnimo.cameras.get_many(SUB, ids)
    assert info.value.status_code == 404
    assert ids[3] in str(info.value)
    assert ids[11] in str(info.value)
    assert all(i not in str(info.value) for i in set(ids) - missing)


async def test_get_many_error_body_lists_every_missing_camera(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = camera_ids(25)
    api.respond_with(answer_by_id(set(ids[:5])))
    with pytest.raises(NotFoundError) as info:
        await amnimo.cameras.get_many(SUB, ids)
    assert all(i in info.value.body for i in ids[5:])
    assert all(i not in info.value.body for i in ids[:5])
    assert len(api.api_calls) == 3  # every chunk was asked before the error


async def test_get_many_skip_missing_returns_the_found_in_order(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = camera_ids(12)
    api.respond_with(answer_by_id(set(ids) - {ids[3], ids[11]}))
    cameras = await amnimo.cameras.get_many(SUB, ids, skip_missing=True)
    assert [c.id for c in cameras] == [i for i in ids if i not in (ids[3], ids[11])]


@pytest.mark.parametrize(
    ("status", "reason", "error"),
    [(403, "FORBIDDEN", PermissionDeniedError), (404, "NOT FOUND", NotFoundError)],
)
async def test_get_many_raises_the_api_error_itself(
    make_client: ClientFactory, api: FakeAPI, status: int, reason: str, error: type[Exception]
) -> None:
    """A user catches ``NotFoundError`` from get_many like from any call, not an ExceptionGroup."""
    amnimo = make_client(max_retries=0)
    body = [
        {"ts": "2019-08-24T14:15:22Z", "status": reason, "message": "Unknown subscription", "details": [{}]}
    ]
    api.reply(status, json=body)
    with pytest.raises(error):
        await amnimo.cameras.get_many(SUB, camera_ids(3))
