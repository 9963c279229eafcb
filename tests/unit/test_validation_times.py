"""Naive datetimes, non-datetimes, windows ending before they start and a ``dt`` that is neither
``"live"`` nor an aware datetime raise ValidationError before anything is sent.

Each rule is checked through the client namespaces on a fresh client: the error names the Python
argument and the allowed range, and the fake server saw nothing at all (not even a token call).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from amnimo_async import AsyncAmnimo

from ._valid_arguments import NAIVE, T1, assert_refused
from .conftest import FakeAPI

# --- times -------------------------------------------------------------------------------------

DATETIME_ARGUMENTS = [
    ("cameras.thumbnails", "start_time"),
    ("cameras.thumbnails", "end_time"),
    ("cameras.history", "start_time"),
    ("cameras.history", "end_time"),
    ("streams.start_hls", "dt"),
    ("media.create", "start_time"),
    ("media.create", "end_time"),
]


@pytest.mark.parametrize(("op", "argument"), DATETIME_ARGUMENTS)
async def test_naive_datetimes_are_refused(amnimo: AsyncAmnimo, api: FakeAPI, op: str, argument: str) -> None:
    await assert_refused(amnimo, api, op, {argument: NAIVE}, argument, "timezone-aware")


@pytest.mark.parametrize(("op", "argument"), [a for a in DATETIME_ARGUMENTS if a[1] != "dt"])
@pytest.mark.parametrize("value", ["2025-02-02T15:00:00.000Z", date(2025, 2, 2), 1738508400])
async def test_non_datetimes_are_refused(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, argument: str, value: object
) -> None:
    await assert_refused(amnimo, api, op, {argument: value}, argument, "timezone-aware")


@pytest.mark.parametrize("op", ["cameras.thumbnails", "cameras.history", "media.create"])
async def test_end_before_start(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    changes = {"start_time": T1, "end_time": T1 - timedelta(milliseconds=1)}
    await assert_refused(amnimo, api, op, changes, "end_time", "start_time")


async def test_end_before_start_across_zones(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    # 15:30 UTC is 00:30 the next day in Japan; 00:29 JST is a minute earlier.
    end = datetime(2025, 2, 3, 0, 29, tzinfo=timezone(timedelta(hours=9)))
    changes = {"start_time": T1, "end_time": end}
    await assert_refused(amnimo, api, "cameras.history", changes, "end_time", "start_time")


@pytest.mark.parametrize("value", ["yesterday", "LIVE", "", "2025-02-02T15:00:00.000Z", None, 0])
async def test_dt_must_be_live_or_an_aware_datetime(amnimo: AsyncAmnimo, api: FakeAPI, value: object) -> None:
    await assert_refused(amnimo, api, "streams.start_hls", {"dt": value}, "dt", "live")
