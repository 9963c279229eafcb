"""404 for unknown ids and paths, 403 for another tenant's ids, hierarchy subtrees."""

from __future__ import annotations

import httpx

from amnimo_async.testing import FakeAmnimo

from .conftest import assert_error

UNKNOWN = "0d4f0d4a-7c5e-4f0e-9d5e-7c1f2a3b4c5d"


async def test_unknown_subscription_is_404_and_foreign_one_403(
    api: httpx.AsyncClient, fake: FakeAmnimo
) -> None:
    assert_error(await api.get(f"/partitions/{UNKNOWN}/cameras"), 404)
    foreign = fake.world.foreign_subscription_id
    for path in ("cameras", "medias/x", "devices/externalDevices"):
        entry = assert_error(await api.get(f"/partitions/{foreign}/{path}"), 403)
        assert entry["status"] == "FORBIDDEN"
    assert_error(await api.post(f"/partitions/{foreign}/medias", json={"pageNumber": 0, "pageSize": 1}), 403)


async def test_hierarchy_of_accounts(api: httpx.AsyncClient, fake: FakeAmnimo) -> None:
    root = (await api.get(f"/accounts/{fake.account_id}/hierarchy")).json()
    assert root == fake.world.hierarchy()
    child = root["childAccounts"][0]
    sub_tree = await api.get(f"/accounts/{child['accountId'].upper()}/hierarchy")
    assert sub_tree.status_code == 200
    assert sub_tree.json() == child
    assert_error(await api.get(f"/accounts/{UNKNOWN}/hierarchy"), 404)
    assert_error(await api.get(f"/accounts/{fake.world.foreign_account_id}/hierarchy"), 403)


async def test_unknown_items_are_404(api: httpx.AsyncClient, fake: FakeAmnimo, sub: str) -> None:
    other_camera = fake.world.camera_id(fake.subscription_ids[1], 0)
    device = fake.world.device_id(sub, 0)
    assert_error(await api.get(f"/partitions/{sub}/cameras/{UNKNOWN}"), 404)
    assert_error(await api.get(f"/partitions/{sub}/cameras/{other_camera}"), 404)
    past_the_end = fake.world.camera_id(sub, fake.world.camera_count(sub))
    assert_error(await api.get(f"/partitions/{sub}/cameras/{past_the_end}"), 404)
    assert_error(await api.get(f"/partitions/{sub}/medias/{UNKNOWN}"), 404)
    assert_error(await api.put(f"/partitions/{sub}/medias/nope", json={"data": {"name": "x"}}), 404)
    assert_error(await api.delete(f"/partitions/{sub}/medias/nope"), 404)
    assert_error(await api.get(f"/partitions/{sub}/devices/{UNKNOWN}/peripherals"), 404)
    assert_error(await api.get(f"/partitions/{sub}/devices/{UNKNOWN}/externalDevices"), 404)
    assert_error(await api.post(f"/partitions/{sub}/devices/{device}/ports/POE99", json={"action": 1}), 404)
    camera = fake.world.camera_id(sub, 0)
    for call in ("stop", "update"):
        response = await api.get(
            f"/partitions/{sub}/cameras/{camera}/streams/hls/{call}", params={"requestId": "x"}
        )
        entry = assert_error(response, 404, message="not found")
        assert entry["details"] == [{"field": "requestId", "value": "x"}]
    assert_error(
        await api.post(f"/partitions/{sub}/cameras/{UNKNOWN}/medias", json={"pageNumber": 0, "pageSize": 1}),
        404,
    )


async def test_unknown_paths_and_methods(api: httpx.AsyncClient, sub: str) -> None:
    assert_error(await api.get("/nothing/here"), 404)
    assert_error(await api.get(f"/partitions/{sub}/cameras/"), 404)
    assert_error(await api.get(f"/partitions/{sub}/media"), 404)
    not_allowed = await api.delete(f"/partitions/{sub}/cameras")
    assert_error(not_allowed, 405)
    assert "GET" in not_allowed.headers["allow"]
    assert_error(await api.get("/oauth2/token"), 405)
