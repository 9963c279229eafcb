"""Every constraint of the wire contract answers 400 with an error body naming the parameter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from amnimo_async.testing import FakeAmnimo

from .conftest import TS, asgi_client, assert_error

CAMS = "/partitions/{sub}/cameras"
CAM = "/partitions/{sub}/cameras/{cam}"
HLS = CAM + "/streams/hls"
MEDIA = "/partitions/{sub}/medias/{media}"
SEARCH = "/partitions/{sub}/medias"
DEVS = "/partitions/{sub}/devices"
PORT = DEVS + "/{dev}/ports/POE0"
UUID = "0d4f0d4a-7c5e-4f0e-9d5e-7c1f2a3b4c5d"
SEARCH_OK = {"pageNumber": 0, "pageSize": 10}
HISTORY_OK = {"startTime": TS, "endTime": "2026-02-20T12:00:00.000Z"}

# (method, path, query, json body, field named, text the message must contain)
CASES: list[tuple[str, str, Any, Any, str, str]] = [
    ("GET", CAMS, {"size": "0"}, None, "size", "between 1 and 500"),
    ("GET", CAMS, {"size": "501"}, None, "size", "between 1 and 500"),
    ("GET", CAMS, {"size": "ten"}, None, "size", "integer"),
    ("GET", CAMS, {"size": "1.5"}, None, "size", "integer"),
    ("GET", CAMS, [("size", "5"), ("size", "6")], None, "size", "once"),
    ("GET", CAMS, {"page": "-1"}, None, "page", ">= 0"),
    ("GET", CAMS, {"expiration": "0"}, None, "expiration", "between 1 and 10080"),
    ("GET", CAMS, {"expiration": "10081"}, None, "expiration", "between 1 and 10080"),
    ("GET", CAMS, {"isUrl": "TRUE"}, None, "isUrl", "true or false"),
    ("GET", CAMS, {"isUrl": "1"}, None, "isUrl", "true or false"),
    ("GET", CAMS, {"cameraId": "not-a-uuid"}, None, "cameraId", "uuid"),
    ("GET", CAMS, [("cameraId", UUID)] * 11, None, "cameraId", "at most 10"),
    ("GET", CAMS, {"cameraId": UUID, "page": "0"}, None, "cameraId", "alone"),
    ("GET", CAMS, {"cameraId": UUID, "size": "10"}, None, "cameraId", "alone"),
    ("GET", CAMS, {"pageSize": "10"}, None, "pageSize", "not a known parameter"),
    ("GET", CAM, {"expiration": "0"}, None, "expiration", "between 1 and 10080"),
    ("GET", CAM, {"isUrl": "yes"}, None, "isUrl", "true or false"),
    ("GET", CAM, {"verbose": "true"}, None, "verbose", "not a known parameter"),
    ("GET", CAM + "/thumbnails", {"limit": "0"}, None, "limit", "between 1 and 100"),
    ("GET", CAM + "/thumbnails", {"limit": "101"}, None, "limit", "between 1 and 100"),
    (
        "GET",
        CAM + "/thumbnails",
        {"startTime": "2026-02-20T10:00:00Z"},
        None,
        "startTime",
        "yyyy-mm-ddTHH:MM:SS.SSSZ",
    ),
    (
        "GET",
        CAM + "/thumbnails",
        {"endTime": "2026-02-20T10:00:00.000+00:00"},
        None,
        "endTime",
        "yyyy-mm-ddTHH:MM:SS.SSSZ",
    ),
    (
        "GET",
        CAM + "/thumbnails",
        {"startTime": TS, "endTime": "2026-02-20T09:00:00.000Z"},
        None,
        "endTime",
        "before startTime",
    ),
    ("GET", CAM + "/thumbnails", {"expiration": "10081"}, None, "expiration", "10080"),
    ("GET", CAM + "/history", {"endTime": TS}, None, "startTime", "required"),
    ("GET", CAM + "/history", {"startTime": TS}, None, "endTime", "required"),
    ("GET", CAM + "/history", {**HISTORY_OK, "startTime": "2026-02-20"}, None, "startTime", "timestamp"),
    (
        "GET",
        CAM + "/history",
        {"startTime": TS, "endTime": "2026-02-19T10:00:00.000Z"},
        None,
        "endTime",
        "before startTime",
    ),
    ("GET", HLS + "/start", {}, None, "dt", "required"),
    # Timestamps the old pattern let through, and a date no calendar has (x-calendar-date).
    ("GET", HLS + "/start", {"dt": "0000-00-00T00:00:00.000Z"}, None, "dt", "timestamp"),
    (
        "GET",
        CAM + "/history",
        {**HISTORY_OK, "startTime": "2025-02-30T00:00:00.000Z"},
        None,
        "startTime",
        "UTC",
    ),
    (
        "POST",
        CAM + "/media",
        None,
        {"category": "CLIP", "startTime": "1227-32-61T18:52:58.064Z"},
        "startTime",
        "yyyy-mm-ddTHH:MM:SS.SSSZ",
    ),
    ("GET", HLS + "/start", {"dt": "now"}, None, "dt", "live"),
    ("GET", HLS + "/start", {"dt": "2026-02-20 10:00:00"}, None, "dt", "timestamp"),
    ("GET", HLS + "/start", {"dt": "live", "retry": "0"}, None, "retry", "between 1 and 100"),
    ("GET", HLS + "/start", {"dt": "live", "retry": "101"}, None, "retry", "between 1 and 100"),
    (
        "GET",
        HLS + "/start",
        {"dt": "live", "keepAlivePeriod": "9"},
        None,
        "keepAlivePeriod",
        "between 10 and 3600",
    ),
    (
        "GET",
        HLS + "/start",
        {"dt": "live", "keepAlivePeriod": "3601"},
        None,
        "keepAlivePeriod",
        "between 10 and 3600",
    ),
    ("GET", HLS + "/stop", {}, None, "requestId", "required"),
    ("GET", HLS + "/update", {}, None, "requestId", "required"),
    (
        "GET",
        HLS + "/update",
        {"requestId": "x", "keepAlivePeriod": "10"},
        None,
        "keepAlivePeriod",
        "not a known parameter",
    ),
    ("POST", CAM + "/media", None, {"startTime": TS}, "category", "required"),
    ("POST", CAM + "/media", None, {"category": "VIDEO", "startTime": TS}, "category", "CLIP, SNAPSHOT"),
    ("POST", CAM + "/media", None, {"category": None, "startTime": TS}, "category", "CLIP"),
    ("POST", CAM + "/media", None, {"category": "CLIP"}, "startTime", "required"),
    (
        "POST",
        CAM + "/media",
        None,
        {"category": "CLIP", "startTime": "2026-02-20T10:00:00Z"},
        "startTime",
        "yyyy-mm-ddTHH:MM:SS.SSSZ",
    ),
    (
        "POST",
        CAM + "/media",
        None,
        {"category": "CLIP", "startTime": TS, "endTime": "2026-02-20T09:59:59.999Z"},
        "endTime",
        "before startTime",
    ),
    ("POST", CAM + "/media", None, {"category": "CLIP", "startTime": TS, "name": ""}, "name", "1 to 64"),
    (
        "POST",
        CAM + "/media",
        None,
        {"category": "CLIP", "startTime": TS, "name": "n" * 65},
        "name",
        "1 to 64",
    ),
    (
        "POST",
        CAM + "/media",
        None,
        {"category": "CLIP", "startTime": TS, "title": "x"},
        "title",
        "not a known field",
    ),
    (
        "POST",
        CAM + "/media",
        {"dryRun": "true"},
        {"category": "CLIP", "startTime": TS},
        "dryRun",
        "not a known parameter",
    ),
    ("POST", SEARCH, None, {"pageSize": 10}, "pageNumber", "required"),
    ("POST", SEARCH, None, {"pageNumber": 0}, "pageSize", "required"),
    ("POST", SEARCH, None, {"pageNumber": 0, "pageSize": 0}, "pageSize", "between 1 and 1000"),
    ("POST", SEARCH, None, {"pageNumber": 0, "pageSize": 1001}, "pageSize", "between 1 and 1000"),
    ("POST", SEARCH, None, {"pageNumber": -1, "pageSize": 10}, "pageNumber", "between 0 and"),
    ("POST", SEARCH, None, {"pageNumber": "0", "pageSize": 10}, "pageNumber", "integer"),
    ("POST", SEARCH, None, {"pageNumber": True, "pageSize": 10}, "pageNumber", "integer"),
    ("POST", SEARCH, None, {"pageNumber": 0, "pageSize": 10.5}, "pageSize", "integer"),
    ("POST", SEARCH, None, {**SEARCH_OK, "sortDir": "DESC"}, "sortDir", "asc, desc"),
    ("POST", SEARCH, None, {**SEARCH_OK, "categories": ["VIDEO"]}, "categories", "CLIP, SNAPSHOT"),
    ("POST", SEARCH, None, {**SEARCH_OK, "categories": "CLIP"}, "categories", "array"),
    ("POST", SEARCH, None, {**SEARCH_OK, "page": 0}, "page", "not a known field"),
    ("POST", CAM + "/medias", None, {**SEARCH_OK, "pageSize": 5000}, "pageSize", "1000"),
    ("GET", MEDIA, {"expiration": "0"}, None, "expiration", "between 1 and 10080"),
    ("PUT", MEDIA, None, {"name": "x"}, "name", "not a known field"),
    ("PUT", MEDIA, None, {}, "data", "required"),
    ("PUT", MEDIA, None, {"data": {}}, "data.name", "required"),
    ("PUT", MEDIA, None, {"data": {"name": ""}}, "data.name", "1 to 64"),
    ("PUT", MEDIA, None, {"data": {"name": "n" * 65}}, "data.name", "1 to 64"),
    ("PUT", MEDIA, None, {"data": {"name": "ok", "tags": []}}, "data.tags", "not a known field"),
    ("PUT", MEDIA, None, {"data": "renamed"}, "data", "object"),
    ("DELETE", MEDIA, {"force": "true"}, None, "force", "not a known parameter"),
    ("GET", DEVS + "/externalDevices", {"page": "-1"}, None, "page", ">= 0"),
    ("GET", DEVS + "/externalDevices", {"size": "0"}, None, "size", ">= 1"),
    ("GET", DEVS + "/{dev}/peripherals", {"all": "1"}, None, "all", "not a known parameter"),
    ("POST", PORT, None, {}, "action", "required"),
    ("POST", PORT, None, {"action": 3}, "action", "0 (disable), 1 (enable) or 2 (reset)"),
    ("POST", PORT, None, {"action": -1}, "action", "0 (disable)"),
    ("POST", PORT, None, {"action": 2.0}, "resetTimer", "required when action is 2"),  # 2.0 is 2
    ("POST", PORT, None, {"action": "1"}, "action", "integer"),
    ("POST", PORT, None, {"action": 1.5}, "action", "integer"),
    ("POST", PORT, None, {"action": 2}, "resetTimer", "required when action is 2"),
    ("POST", PORT, None, {"action": 1, "resetTimer": 5}, "resetTimer", "only allowed"),
    ("POST", PORT, None, {"action": 2, "resetTimer": 0}, "resetTimer", ">= 1"),
    ("POST", PORT, None, {"action": 0, "force": True}, "force", "not a known field"),
    ("GET", "/accounts/not-a-uuid/hierarchy", {}, None, "accountId", "uuid"),
    ("GET", "/accounts/{account}/hierarchy", {"depth": "1"}, None, "depth", "not a known"),
    ("GET", "/partitions/not-a-uuid/cameras", {}, None, "subscriptionId", "uuid"),
    ("GET", "/partitions/{sub}/cameras/12345", {}, None, "cameraId", "uuid"),
    ("GET", DEVS + "/not-a-uuid/externalDevices", {}, None, "deviceId", "uuid"),
]


def _ids(fake: FakeAmnimo) -> dict[str, str]:
    sub = fake.subscription_ids[0]
    media = fake.world.media(sub)[0]["id"]
    return {
        "sub": sub,
        "cam": fake.world.camera_id(sub, 0),
        "dev": fake.world.device_id(sub, 0),
        "media": media,
        "account": fake.account_id,
    }


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "field", "text"),
    CASES,
    ids=[f"{case[0]} {case[1].split('}')[-1] or case[1]} {case[4]}" for case in CASES],
)
async def test_constraint_answers_400_naming_the_parameter(
    api: httpx.AsyncClient,
    fake: FakeAmnimo,
    method: str,
    path: str,
    query: Any,
    body: Any,
    field: str,
    text: str,
) -> None:
    response = await api.request(method, path.format(**_ids(fake)), params=query or None, json=body)
    assert_error(response, 400, field=field, message=text)
    assert response.json()[0]["status"] == "BAD REQUEST"


async def test_json_bodies_must_be_json_objects(api: httpx.AsyncClient, fake: FakeAmnimo) -> None:
    url = SEARCH.format(**_ids(fake))
    assert_error(
        await api.post(url, content=b"{", headers={"Content-Type": "application/json"}), 400, field="body"
    )
    assert_error(await api.post(url, json=[SEARCH_OK]), 400, field="body")
    assert_error(await api.post(url), 400, field="Content-Type")
    assert_error(
        await api.post(url, content=b'{"pageNumber":0,"pageSize":1}', headers={"Content-Type": "text/plain"}),
        400,
        field="Content-Type",
    )


async def test_values_on_the_edges_are_accepted(api: httpx.AsyncClient, fake: FakeAmnimo) -> None:
    ids = _ids(fake)
    ok: list[tuple[str, str, Any, Any]] = [
        ("GET", CAMS, {"size": "1", "page": "0", "expiration": "1", "isUrl": "false"}, None),
        ("GET", CAMS, {"size": "500", "expiration": "10080", "isUrl": "true"}, None),
        ("GET", CAMS, [("cameraId", UUID)] * 10, None),
        ("GET", CAM + "/thumbnails", {"limit": "100", "startTime": TS, "endTime": TS}, None),
        ("GET", HLS + "/start", {"dt": TS, "retry": "100", "keepAlivePeriod": "3600"}, None),
        ("GET", HLS + "/start", {"dt": "live", "retry": "1", "keepAlivePeriod": "10"}, None),
        ("POST", CAM + "/media", None, {"category": "SNAPSHOT", "startTime": TS, "name": "n" * 64}),
        ("POST", CAM + "/media", None, {"category": "CLIP", "startTime": TS, "endTime": TS}),
        (
            "POST",
            SEARCH,
            None,
            {"pageNumber": 0, "pageSize": 1000, "sortDir": "asc", "categories": ["CLIP", "SNAPSHOT"]},
        ),
        ("POST", SEARCH, None, {"pageNumber": 2**31 - 1, "pageSize": 1, "categories": []}),
        ("POST", SEARCH, None, {"pageNumber": 1943.0, "pageSize": 10.0}),  # integral JSON numbers
        ("POST", PORT, None, {"action": 1.0}),
        ("PUT", MEDIA, None, {"data": {"name": "名前" * 32}}),
        ("GET", DEVS + "/externalDevices", {"page": "0", "size": "1000"}, None),
        ("POST", PORT, None, {"action": 2, "resetTimer": 1}),
        ("GET", "/partitions/" + ids["sub"].upper() + "/cameras", {}, None),
    ]
    for method, path, query, body in ok:
        response = await api.request(method, path.format(**ids), params=query or None, json=body)
        assert response.status_code == 200, (path, response.text)


async def test_lenient_mode_accepts_loose_requests(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = make_fake(strict=False)
    ids = _ids(fake)
    async with asgi_client(fake, fake.issue_token()) as http:
        loose = await http.get(CAMS.format(**ids), params={"isUrl": "TRUE", "extra": "1", "size": "2"})
        assert loose.status_code == 200
        assert len(loose.json()["cameras"]) == 2
        history = await http.get(
            (CAM + "/history").format(**ids),
            params={"startTime": "2026-02-20T10:00:00Z", "endTime": "2026-02-20T12:00:00+00:00"},
        )
        assert history.status_code == 200
        search = await http.post(SEARCH.format(**ids), json={**SEARCH_OK, "pageSize": 3.0, "x": 1})
        assert search.status_code == 200
        assert len(search.json()) == 3
        assert_error(await http.get("/partitions/not-a-uuid/cameras"), 404)
