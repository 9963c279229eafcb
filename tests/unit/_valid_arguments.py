"""Every operation of the client with arguments valid on their own, what the fake answers it,
and the check that a changed argument is refused before anything is sent.
"""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import datetime, timezone
from typing import Any

import pytest

from amnimo_async import AsyncAmnimo, ValidationError

from .conftest import ACCOUNT, CAMERA, DEVICE, MEDIA_ID, REQUEST_ID, SUB, FakeAPI

UTC = timezone.utc
T0 = datetime(2025, 2, 2, 15, tzinfo=UTC)
T1 = datetime(2025, 2, 2, 15, 30, tzinfo=UTC)
NAIVE = datetime(2025, 2, 2, 15)
IDS = [f"{i:08x}-0a88-45be-9cfc-{i:012x}" for i in range(1, 12)]  # 11 distinct camera ids

# Every operation of the client, with arguments that are valid on their own.
OPS: dict[str, dict[str, Any]] = {
    "accounts.hierarchy": {"account_id": ACCOUNT},
    "cameras.list": {"subscription_id": SUB},
    "cameras.get": {"subscription_id": SUB, "camera_id": CAMERA},
    "cameras.thumbnails": {"subscription_id": SUB, "camera_id": CAMERA},
    "cameras.history": {"subscription_id": SUB, "camera_id": CAMERA, "start_time": T0, "end_time": T1},
    "cameras.get_many": {"subscription_id": SUB, "camera_ids": [CAMERA]},
    "streams.start_hls": {"subscription_id": SUB, "camera_id": CAMERA, "dt": "live"},
    "streams.update_hls": {"subscription_id": SUB, "camera_id": CAMERA, "request_id": REQUEST_ID},
    "streams.stop_hls": {"subscription_id": SUB, "camera_id": CAMERA, "request_id": REQUEST_ID},
    "media.create": {"subscription_id": SUB, "camera_id": CAMERA, "category": "CLIP", "start_time": T0},
    "media.search": {"subscription_id": SUB},
    "media.get": {"subscription_id": SUB, "media_id": MEDIA_ID},
    "media.rename": {"subscription_id": SUB, "media_id": MEDIA_ID, "name": "clip"},
    "media.delete": {"subscription_id": SUB, "media_id": MEDIA_ID},
    "devices.list_external": {"subscription_id": SUB},
    "devices.external": {"subscription_id": SUB, "device_id": DEVICE},
    "devices.peripherals": {"subscription_id": SUB, "device_id": DEVICE},
    "devices.operate_port": {"subscription_id": SUB, "device_id": DEVICE, "port_id": "POE0", "action": 1},
}

EMPTY_SUMMARY = {
    "isFirstPage": True,
    "isLastPage": True,
    "pageNumber": 0,
    "pageSize": 10,
    "totalPages": 0,
    "total": 0,
}
ANSWERS: dict[str, tuple[int, Any]] = {
    "accounts.hierarchy": (200, {"accountId": ACCOUNT}),
    "cameras.list": (200, {"total": 0, "page": 0, "size": 500, "cameras": []}),
    "cameras.get": (200, {"id": CAMERA}),
    "cameras.thumbnails": (200, {"total": 0, "thumbnails": []}),
    "cameras.history": (200, []),
    "streams.start_hls": (200, {"requestId": REQUEST_ID}),
    "streams.update_hls": (200, {"result": "OK"}),
    "streams.stop_hls": (200, {"result": "OK"}),
    "media.create": (200, {"id": MEDIA_ID}),
    "media.search": (200, []),
    "media.get": (200, {"id": MEDIA_ID}),
    "media.rename": (200, {"id": MEDIA_ID}),
    "media.delete": (204, None),
    "devices.list_external": (200, {"data": [], "summary": EMPTY_SUMMARY}),
    "devices.external": (200, {"data": [], "summary": {"total": 0}}),
    "devices.peripherals": (200, {"data": [], "summary": {"total": 0}}),
    "devices.operate_port": (200, {}),
}

CAMERA_OPS = [op for op, kwargs in OPS.items() if "camera_id" in kwargs]
DEVICE_OPS = [op for op, kwargs in OPS.items() if "device_id" in kwargs]
MEDIA_ID_OPS = [op for op, kwargs in OPS.items() if "media_id" in kwargs]
SUBSCRIPTION_OPS = [op for op, kwargs in OPS.items() if "subscription_id" in kwargs]
EXPIRATION_OPS = ["cameras.list", "cameras.get", "cameras.thumbnails", "cameras.get_many", "media.get"]
SEARCHES = [("media.search", {}), ("media.search", {"camera_id": CAMERA})]

BAD_UUIDS = [
    pytest.param("", id="empty"),
    pytest.param("not-a-uuid", id="words"),
    pytest.param("3d07c219-0a88-45be-9cfc-91e9d095a1e", id="short"),
    pytest.param("3d07c219-0a88-45be-9cfc-91e9d095a1e9a", id="long"),
    pytest.param("3d07c219-0a88-45be-9cfc-91e9d095a1eg", id="not-hex"),
    pytest.param("3d07c2190a8845be9cfc91e9d095a1e9", id="no-hyphens"),
    pytest.param("{3d07c219-0a88-45be-9cfc-91e9d095a1e9}", id="braces"),
    pytest.param("urn:uuid:3d07c219-0a88-45be-9cfc-91e9d095a1e9", id="urn"),
    pytest.param(None, id="none"),
    pytest.param(12345, id="int"),
]


def invoke(amnimo: AsyncAmnimo, op: str, **changes: Any) -> Coroutine[Any, Any, Any]:
    """Call ``amnimo.<namespace>.<method>`` with the op's valid arguments updated by ``changes``."""
    namespace, method = op.split(".")
    return getattr(getattr(amnimo, namespace), method)(**{**OPS[op], **changes})  # type: ignore[no-any-return]


async def assert_refused(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, changes: dict[str, Any], argument: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as info:
        await invoke(amnimo, op, **changes)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.argument == argument
    assert fragment in str(error)
    assert str(error).startswith(f"{argument}: ")
    assert api.calls == []  # nothing sent, not even a token call
