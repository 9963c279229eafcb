"""Ids that are not what the API documents raise ValidationError before anything is sent.

Each rule is checked through the client namespaces on a fresh client: the error names the Python
argument and the allowed range, and the fake server saw nothing at all (not even a token call).
"""

from __future__ import annotations

import pytest

from amnimo_async import AsyncAmnimo

from ._valid_arguments import (
    BAD_UUIDS,
    CAMERA_OPS,
    DEVICE_OPS,
    MEDIA_ID_OPS,
    SUBSCRIPTION_OPS,
    assert_refused,
)
from .conftest import FakeAPI

# --- ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD_UUIDS)
async def test_bad_account_id(amnimo: AsyncAmnimo, api: FakeAPI, value: object) -> None:
    await assert_refused(amnimo, api, "accounts.hierarchy", {"account_id": value}, "account_id", "uuid")


@pytest.mark.parametrize("value", BAD_UUIDS)
async def test_bad_subscription_id_forms(amnimo: AsyncAmnimo, api: FakeAPI, value: object) -> None:
    await assert_refused(amnimo, api, "cameras.list", {"subscription_id": value}, "subscription_id", "uuid")


@pytest.mark.parametrize("op", SUBSCRIPTION_OPS)
async def test_bad_subscription_id_on_every_operation(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    await assert_refused(amnimo, api, op, {"subscription_id": "d079718b"}, "subscription_id", "uuid")


@pytest.mark.parametrize("op", CAMERA_OPS)
async def test_bad_camera_id_on_every_camera_operation(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    await assert_refused(amnimo, api, op, {"camera_id": "camera-1"}, "camera_id", "uuid")


@pytest.mark.parametrize("value", BAD_UUIDS)
async def test_bad_camera_id_forms(amnimo: AsyncAmnimo, api: FakeAPI, value: object) -> None:
    await assert_refused(amnimo, api, "cameras.get", {"camera_id": value}, "camera_id", "uuid")


async def test_bad_camera_id_of_a_camera_media_search(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    await assert_refused(amnimo, api, "media.search", {"camera_id": "camera-1"}, "camera_id", "uuid")


@pytest.mark.parametrize("op", DEVICE_OPS)
@pytest.mark.parametrize("value", ["", "device-1", "3e871bad977c27c24cf1ebe13bee0d66", None])
async def test_bad_device_id(amnimo: AsyncAmnimo, api: FakeAPI, op: str, value: object) -> None:
    await assert_refused(amnimo, api, op, {"device_id": value}, "device_id", "uuid")


@pytest.mark.parametrize(
    ("op", "argument"),
    [
        ("accounts.hierarchy", "account_id"),
        ("cameras.list", "subscription_id"),
        ("cameras.get", "camera_id"),
        ("devices.peripherals", "device_id"),
    ],
)
async def test_uuid_with_misplaced_hyphens_is_refused(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, argument: str
) -> None:
    """36 characters and 32 hex digits, but not in 8-4-4-4-12 form: a typo, not an id."""
    misplaced = "3d07c2190-a88-45be-9cfc-91e9d095a1e9"
    await assert_refused(amnimo, api, op, {argument: misplaced}, argument, "uuid")


@pytest.mark.parametrize("op", MEDIA_ID_OPS)
async def test_empty_media_id(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    await assert_refused(amnimo, api, op, {"media_id": ""}, "media_id", "at least 1")


@pytest.mark.parametrize("op", MEDIA_ID_OPS)
async def test_media_id_must_be_a_string(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    await assert_refused(amnimo, api, op, {"media_id": None}, "media_id", "string")


async def test_empty_port_id(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    await assert_refused(amnimo, api, "devices.operate_port", {"port_id": ""}, "port_id", "at least 1")


@pytest.mark.parametrize("op", ["streams.update_hls", "streams.stop_hls"])
@pytest.mark.parametrize("value", ["", None])
async def test_empty_request_id(amnimo: AsyncAmnimo, api: FakeAPI, op: str, value: object) -> None:
    fragment = "at least 1" if value == "" else "string"
    await assert_refused(amnimo, api, op, {"request_id": value}, "request_id", fragment)
