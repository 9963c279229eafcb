"""What the endpoint tests expect on the wire: the vendor's sample answers, the paths and
the checks of a recorded call.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from .. import vendor_samples
from .conftest import BEARER, CAMERA, DEVICE, MEDIA_ID, SUB, Call

UTC = timezone.utc
JST = timezone(timedelta(hours=9))
TS = datetime(2019, 8, 24, 14, 15, 22, tzinfo=UTC)  # the vendor's "2019-08-24T14:15:22Z"

CAMERAS_PATH = f"/ex/partitions/{SUB}/cameras"
CAMERA_PATH = f"/ex/partitions/{SUB}/cameras/{CAMERA}"
MEDIA_PATH = f"/ex/partitions/{SUB}/medias/{MEDIA_ID}"
DEVICE_PATH = f"/ex/partitions/{SUB}/devices/{DEVICE}"

# --- the vendor's sample answers --------------------------------------------------------------

HIERARCHY = vendor_samples.ACCOUNT
CAMERA_JSON = vendor_samples.CAMERA
CAMERA_PAGE = vendor_samples.CAMERA_PAGE
THUMBNAILS = vendor_samples.THUMBNAILS
HISTORY = [vendor_samples.HISTORY_SPAN]
MEDIA_JSON = vendor_samples.MEDIA
EXTERNAL_DEVICE_PAGE = vendor_samples.EXTERNAL_DEVICE_PAGE
DEVICE_EXTERNAL_DEVICES = vendor_samples.DEVICE_EXTERNAL_DEVICES
PERIPHERALS = vendor_samples.PERIPHERALS


def q(*pairs: tuple[str, str]) -> Counter[tuple[str, str]]:
    """An expected query string as a multiset of (name, value) pairs."""
    return Counter(pairs)


def assert_bearer(call: Call) -> None:
    assert call.headers["Authorization"] == BEARER


def assert_json_body(call: Call, expected: object) -> None:
    assert call.headers["Content-Type"] == "application/json"
    assert call.json == expected


def assert_no_body(call: Call) -> None:
    assert call.content == b""
    assert call.json is None
