"""Devices: external-device paging (size clamped to 100), peripherals, port actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from amnimo_async.testing import DataProfile, FakeAmnimo, ManualClock

from .conftest import asgi_client


async def page(http: httpx.AsyncClient, sub: str, **params: Any) -> dict[str, Any]:
    response = await http.get(f"/partitions/{sub}/devices/externalDevices", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_external_device_paging(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = make_fake(profile=DataProfile.sizes())
    empty, one_page, page_and_one = fake.subscription_ids
    async with asgi_client(fake, fake.issue_token()) as http:
        body = await page(http, empty)
        assert body == {
            "data": [],
            "summary": {
                "isFirstPage": True,
                "isLastPage": True,
                "pageNumber": 0,
                "pageSize": 10,
                "totalPages": 0,
                "total": 0,
            },
        }
        body = await page(http, one_page, size=100)
        assert len(body["data"]) == 100
        assert body["summary"] == {
            "isFirstPage": True,
            "isLastPage": True,
            "pageNumber": 0,
            "pageSize": 100,
            "totalPages": 1,
            "total": 100,
        }
        first = await page(http, page_and_one, size=500)
        assert first["summary"]["pageSize"] == 100
        assert len(first["data"]) == 100
        assert (first["summary"]["isLastPage"], first["summary"]["totalPages"]) == (False, 2)
        second = await page(http, page_and_one, page=1, size=500)
        assert len(second["data"]) == 1
        assert (second["summary"]["isFirstPage"], second["summary"]["isLastPage"]) == (False, True)
        assert first["data"] + second["data"] == fake.world.devices(page_and_one)
        default = await page(http, page_and_one)
        assert len(default["data"]) == 10
        assert default["summary"]["totalPages"] == 11


async def test_device_details(api: httpx.AsyncClient, fake: FakeAmnimo, sub: str) -> None:
    devices = (await page(api, sub))["data"]
    statuses = set()
    for device in devices:
        found = (await api.get(f"/partitions/{sub}/devices/{device['id']}/externalDevices")).json()
        assert found == {
            "data": device["externalDevices"],
            "summary": {"total": len(device["externalDevices"])},
        }
        statuses |= {item["status"] for item in found["data"]}
        ports = (await api.get(f"/partitions/{sub}/devices/{device['id']}/peripherals")).json()
        assert ports["summary"]["total"] == len(ports["data"]) == 4
        assert [port["id"] for port in ports["data"]] == ["POE0", "POE1", "POE2", "POE3"]
        assert all(port["type"] == "POE" for port in ports["data"])
    assert "CONNECTED" in statuses


async def test_port_actions_and_reset_timer(
    api: httpx.AsyncClient, clock: ManualClock, fake: FakeAmnimo, sub: str
) -> None:
    device = fake.world.device_id(sub, 0)
    port_url = f"/partitions/{sub}/devices/{device}/ports/POE1"

    async def state() -> str:
        ports = (await api.get(f"/partitions/{sub}/devices/{device}/peripherals")).json()
        return str(next(p["actStatus"] for p in ports["data"] if p["id"] == "POE1"))

    response = await api.post(port_url, json={"action": 0})
    assert (response.status_code, response.json()) == (200, {})
    assert await state() == "DISABLED"
    await api.post(port_url, json={"action": 1})
    assert await state() == "ENABLED"
    await api.post(port_url, json={"action": 2, "resetTimer": 30})
    assert await state() == "DISABLED"
    clock.advance(29.9)
    assert await state() == "DISABLED"
    clock.advance(0.1)
    assert await state() == "ENABLED"
    assert fake.world.peripherals(sub, 0)[1]["actStatus"] == "ENABLED"
