"""Every one of the 19 operations through the client's namespaces, checked against the fake's world."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from amnimo_async import (
    Account,
    HlsSession,
    Media,
    MediaStatus,
    PortAction,
    PortOperationResult,
)
from amnimo_async.api.cameras import list_cameras
from amnimo_async.testing import OPERATION_IDS, ManualClock

from .conftest import Connect, Serve, assert_camera, assert_media, at

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _hierarchy_matches(account: Account, wire: dict[str, object]) -> None:
    assert account.account_id == wire["accountId"]
    assert account.account_name == wire.get("accountName")
    assert account.subscription_id == wire.get("subscriptionId")
    assert account.subscription_name == wire.get("subscriptionName")
    children = [child for child in wire.get("childAccounts", []) if child]  # type: ignore[attr-defined]
    assert len(account.child_accounts) == len(children)
    for parsed, raw in zip(account.child_accounts, children, strict=True):
        _hierarchy_matches(parsed, raw)


async def test_all_nineteen_operations_against_the_world(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    world = server.world
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    camera_id = world.camera_id(sub, 0)
    device_id = world.device_id(sub, 0)
    now = clock()

    # 2 getHierarchy (1 issueToken happens on the way)
    root = await amnimo.accounts.hierarchy(server.account_id)
    assert root.account_id == server.account_id
    assert root.subscription_ids() == world.subscription_ids
    assert sorted(root.subscription_ids()) == sorted(server.subscription_ids)
    _hierarchy_matches(root, world.hierarchy())

    # 3 listCameras
    page = await amnimo.cameras.list(sub)
    assert page.total == world.camera_count(sub) == 20
    assert (page.page, page.size) == (0, 500)
    wire_cameras = list(world.cameras(sub))
    assert [c.id for c in page.cameras] == [c["id"] for c in wire_cameras]
    for parsed, wire in zip(page.cameras, wire_cameras, strict=True):
        assert_camera(parsed, wire)

    # 4 getCamera (with and without presigned URLs)
    camera = await amnimo.cameras.get(sub, camera_id)
    assert_camera(camera, world.camera(sub, 0))
    plain = await amnimo.cameras.get(sub, camera_id.upper(), is_url=False)
    assert_camera(plain, world.camera(sub, 0), with_url=False)

    # 5 listThumbnails
    start, end = now - 3600, now
    thumbnails = await amnimo.cameras.thumbnails(
        sub, camera_id, start_time=at(start), end_time=at(end), limit=10
    )
    expected = world.dataset.thumbnails(world.subscription(sub), 0, start, end, 10)
    assert thumbnails.total == len(expected) == 10
    assert [(t.ts, t.code) for t in thumbnails.thumbnails] == [
        (at(moment), code) for moment, code in expected
    ]
    assert all(t.url for t in thumbnails.thumbnails)

    # 6 getHistory
    start, end = now - 7 * 86_400, now
    spans = await amnimo.cameras.history(sub, camera_id, start_time=at(start), end_time=at(end))
    expected_spans = world.dataset.history(world.subscription(sub), 0, start, end, now)
    assert expected_spans
    assert [(s.start, s.duration) for s in spans] == [
        (EPOCH + timedelta(milliseconds=span["s"]), timedelta(milliseconds=span["d"]))
        for span in expected_spans
    ]

    # 7 startHls, 9 updateHls, 8 stopHls
    hls = await amnimo.streams.start_hls(sub, camera_id, dt="live", keep_alive_period=60)
    assert isinstance(hls, HlsSession)
    assert hls.url is not None
    assert [s.request_id for s in world.hls_sessions()] == [hls.request_id]
    assert world.hls_sessions()[0].keep_alive == 60
    assert (await amnimo.streams.update_hls(sub, camera_id, hls.request_id)).result == "OK"
    assert (await amnimo.streams.stop_hls(sub, camera_id, hls.request_id)).result == "OK"
    assert world.hls_sessions() == []

    # 10 createMedia
    created = await amnimo.media.create(
        sub, camera_id, category="CLIP", start_time=at(now - 600), end_time=at(now - 570), name="op clip"
    )
    assert isinstance(created, Media)
    assert created.status == MediaStatus.PROCESSING
    record = world.find_media(sub, created.id)
    assert record is not None
    assert_media(created, record.to_wire())

    # 12 searchSubscriptionMedia, 11 searchCameraMedia
    found = await amnimo.media.search(sub)
    wire_media = world.media(sub)
    assert len(found) == len(wire_media) == 51
    for parsed_media, wire_item in zip(found, wire_media, strict=True):
        assert_media(parsed_media, wire_item)
    of_camera = await amnimo.media.search(sub, camera_id)
    assert [m.id for m in of_camera] == [m["id"] for m in world.media(sub, camera_id=camera_id)]
    assert all(m.camera_id == camera_id for m in of_camera)

    # 13 getMedia, 14 renameMedia, 15 deleteMedia
    media = await amnimo.media.get(sub, created.id)
    assert media.id == created.id
    assert media.url is None  # still PROCESSING: no download link yet
    renamed = await amnimo.media.rename(sub, created.id, "renamed clip")
    assert renamed.name == "renamed clip"
    assert world.find_media(sub, created.id).name == "renamed clip"  # type: ignore[union-attr]
    await amnimo.media.delete(sub, created.id)
    assert world.find_media(sub, created.id) is None

    # 16 listExternalDevices, 17 getDeviceExternalDevices
    devices = await amnimo.devices.list_external(sub, size=100)
    wire_devices = world.devices(sub)
    assert devices.summary.total == len(wire_devices) == 5
    assert devices.summary.is_first_page
    assert devices.summary.is_last_page
    assert [(d.id, d.device_name) for d in devices.data] == [(d["id"], d["dName"]) for d in wire_devices]
    for parsed_device, wire_device in zip(devices.data, wire_devices, strict=True):
        assert [(e.ip_address, e.external_device_name, e.status) for e in parsed_device.external_devices] == [
            (e["ipAddress"], e["externalDeviceName"], e["status"]) for e in wire_device["externalDevices"]
        ]
    external = await amnimo.devices.external(sub, device_id)
    assert external.summary.total == len(wire_devices[0]["externalDevices"])
    assert [e.ip_address for e in external.data] == [
        e["ipAddress"] for e in wire_devices[0]["externalDevices"]
    ]

    # 18 listPeripherals, 19 operatePort
    ports = await amnimo.devices.peripherals(sub, device_id)
    wire_ports = world.peripherals(sub, 0)
    assert ports.summary.total == len(wire_ports) == 4
    assert [(p.id, p.name, p.type, p.lnk_status, p.act_status) for p in ports.data] == [
        (p["id"], p["name"], p["type"], p["lnkStatus"], p["actStatus"]) for p in wire_ports
    ]
    result = await amnimo.devices.operate_port(sub, device_id, "POE1", action=PortAction.ENABLE)
    assert isinstance(result, PortOperationResult)
    assert world.peripherals(sub, 0)[1]["actStatus"] == "ENABLED"

    journal = server.journal
    assert journal.token_calls == 1
    assert journal.by_status() == Counter({200: len(journal) - 1, 204: 1})
    counts = journal.by_route()
    assert set(counts) == set(OPERATION_IDS)
    assert counts == Counter(
        {
            **dict.fromkeys(OPERATION_IDS, 1),
            "getCamera": 2,
        }
    )
    assert amnimo.transport.stats.token_calls == 1
    assert amnimo.transport.stats.retries == 0


async def test_generated_functions_take_the_client(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[1]
    page = await list_cameras.asyncio(amnimo, sub, size=5, page=1)
    assert [c.id for c in page.cameras] == [server.world.camera_id(sub, i) for i in range(5, 10)]
    detailed = await list_cameras.asyncio_detailed(amnimo, sub, size=5)
    assert detailed.status_code == 200
    assert detailed.parsed.total == 20
    assert server.journal.count(route="listCameras", status=200) == 2
    assert server.journal.token_calls == 1


async def test_unknown_enum_values_and_missing_thumbnails_are_kept(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    page = await amnimo.cameras.list(sub, size=20)
    # camera 3 has a status outside the known list, camera 4 a recordingStatus; 7 and 13 have
    # no thumbnail (absent, and null)
    assert page.cameras[3].status == "MAINTENANCE"
    assert page.cameras[4].recording_status == "SUSPENDED"
    assert page.cameras[7].thumbnail is None
    assert page.cameras[13].thumbnail is None
    parsed = {m.id: m for m in await amnimo.media.search(sub)}
    wire = server.world.media(sub)
    for field, attribute, value in (
        ("status", "status", "ARCHIVED"),
        ("type", "type", "AUDIO"),
        ("source", "source", "SD_CARD"),
    ):
        unusual = [m for m in wire if m[field] == value]
        assert unusual, value
        assert all(getattr(parsed[m["id"]], attribute) == value for m in unusual)
        assert_media(parsed[unusual[0]["id"]], unusual[0])
