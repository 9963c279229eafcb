"""The device operations on the wire and back: external devices, peripherals and ports.

Expected requests are written from the vendor's v1.7 reference (its sample curl commands and
bodies) and the wire contract; sample answers are the vendor's.
"""

from __future__ import annotations

from amnimo_async import (
    ActivationStatus,
    AsyncAmnimo,
    DeviceExternalDevices,
    ExternalDevice,
    ExternalDeviceList,
    ExternalDevicePage,
    ExternalDeviceStatus,
    LinkStatus,
    PageSummary,
    Peripheral,
    PeripheralList,
    PortAction,
    PortOperationResult,
)
from amnimo_async.api.devices import operate_port

from ._wire import (
    DEVICE_EXTERNAL_DEVICES,
    DEVICE_PATH,
    EXTERNAL_DEVICE_PAGE,
    PERIPHERALS,
    assert_bearer,
    assert_json_body,
    q,
)
from .conftest import DEVICE, SUB, FakeAPI

# --- devices -----------------------------------------------------------------------------------


async def test_list_external_devices(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=EXTERNAL_DEVICE_PAGE)
    page = await amnimo.devices.list_external(SUB)
    call = api.only_call()
    assert (call.method, call.path) == ("GET", f"/ex/partitions/{SUB}/devices/externalDevices")
    assert call.query == q(("page", "0"), ("size", "10"))
    assert_bearer(call)
    assert page == ExternalDevicePage(
        data=(
            DeviceExternalDevices(
                id=DEVICE,
                device_name="デバイス1",
                external_devices=(
                    ExternalDevice(
                        ip_address="192.168.0.1", external_device_name="外部機器1", status="CONNECTED"
                    ),
                ),
            ),
        ),
        summary=PageSummary(
            is_first_page=True, is_last_page=True, page_number=0, page_size=10, total_pages=1, total=1
        ),
    )
    assert page.data[0].external_devices[0].status is ExternalDeviceStatus.CONNECTED


async def test_list_external_devices_page(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    summary = {"isFirstPage": False, "isLastPage": False, "pageNumber": 3, "pageSize": 100}
    api.reply(json={"data": [], "summary": {**summary, "totalPages": 9, "total": 900}})
    page = await amnimo.devices.list_external(SUB, page=3, size=250)
    assert api.only_call().query == q(("page", "3"), ("size", "250"))
    assert page.summary.page_size == 100
    assert page.summary.is_first_page is False
    assert page.data == ()


async def test_device_external_devices(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(
        json={
            **DEVICE_EXTERNAL_DEVICES,
            "data": [*DEVICE_EXTERNAL_DEVICES["data"], {"status": "MAINTENANCE"}],
        }
    )
    result = await amnimo.devices.external(SUB, DEVICE)
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("GET", f"{DEVICE_PATH}/externalDevices", [])
    assert_bearer(call)
    assert isinstance(result, ExternalDeviceList)
    first, second = result.data
    assert first == ExternalDevice(
        ip_address="192.168.0.1", external_device_name="外部機器1", status="CONNECTED"
    )
    assert first.status is ExternalDeviceStatus.CONNECTED
    assert second.status == "MAINTENANCE"
    assert second.ip_address is None
    assert result.summary.total == 1


async def test_peripherals(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=PERIPHERALS)
    result = await amnimo.devices.peripherals(SUB, DEVICE)
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("GET", f"{DEVICE_PATH}/peripherals", [])
    assert_bearer(call)
    assert isinstance(result, PeripheralList)
    (port,) = result.data
    assert port == Peripheral(
        id="POE0", name="POE Port 0", type="POE", lnk_status="LINK_UP", act_status="DISABLING"
    )
    assert port.lnk_status is LinkStatus.LINK_UP
    assert port.act_status is ActivationStatus.DISABLING
    assert result.summary.total == 1


async def test_peripherals_keep_unknown_states(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(
        json={
            "data": [{"id": "POE1", "lnkStatus": "FLAPPING", "actStatus": "MAINTENANCE"}],
            "summary": {"total": 1},
        }
    )
    (port,) = (await amnimo.devices.peripherals(SUB, DEVICE)).data
    assert (port.lnk_status, port.act_status) == ("FLAPPING", "MAINTENANCE")
    assert not isinstance(port.lnk_status, LinkStatus)
    assert port.name is None


async def test_operate_port_enable(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={})
    result = await amnimo.devices.operate_port(SUB, DEVICE, "POE0", action=1)
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("POST", f"{DEVICE_PATH}/ports/POE0", [])
    assert_bearer(call)
    assert_json_body(call, {"action": 1})
    assert result == PortOperationResult()
    assert result.extra == {}


async def test_operate_port_reset_sends_the_timer(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"accepted": True})
    result = await operate_port.asyncio(amnimo, SUB, DEVICE, "POE0", action=PortAction.RESET, reset_timer=30)
    assert_json_body(api.only_call(), {"action": 2, "resetTimer": 30})
    assert result.extra == {"accepted": True}


async def test_operate_port_disable(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={})
    await amnimo.devices.operate_port(SUB, DEVICE, "POE1", action=PortAction.DISABLE)
    call = api.only_call()
    assert call.path == f"{DEVICE_PATH}/ports/POE1"
    assert call.json == {"action": 0}
