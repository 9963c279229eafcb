"""cameras.recording_gaps: the parts of a window with no cloud recording, from the history."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from amnimo_async import Gap, HistorySpan, ValidationError
from amnimo_async._recording_gaps import find_gaps
from amnimo_async.testing import ManualClock

from ..integration.conftest import Connect, Serve, at
from ..unit.conftest import CAMERA, SUB, client_on, token_grant

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def t(minutes: float) -> datetime:
    """``minutes`` after noon, 2026-03-01 UTC."""
    return T0 + timedelta(minutes=minutes)


def span(start: float, end: float) -> HistorySpan:
    """A recording from minute ``start`` to minute ``end``."""
    return HistorySpan(t(start), t(end) - t(start))


def gaps(*pairs: tuple[float, float]) -> list[Gap]:
    return [Gap(t(a), t(b)) for a, b in pairs]


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        pytest.param([], gaps((0, 60)), id="no recording: the whole window"),
        pytest.param([span(0, 60)], [], id="recorded throughout"),
        pytest.param([span(-30, 90)], [], id="one span past both edges"),
        pytest.param([span(10, 20), span(30, 40)], gaps((0, 10), (20, 30), (40, 60)), id="two spans inside"),
        pytest.param([span(30, 40), span(10, 20)], gaps((0, 10), (20, 30), (40, 60)), id="unsorted"),
        pytest.param([span(10, 30), span(20, 40), span(25, 28)], gaps((0, 10), (40, 60)), id="overlapping"),
        pytest.param([span(10, 20), span(20, 30)], gaps((0, 10), (30, 60)), id="touching spans leave no gap"),
        pytest.param([span(-10, 5), span(50, 70)], gaps((5, 50)), id="spans crossing the edges"),
        pytest.param([span(-20, -10), span(70, 80)], gaps((0, 60)), id="spans outside the window"),
        pytest.param(
            [span(10, 10), span(30, 20)], gaps((0, 60)), id="empty and negative spans record nothing"
        ),
        pytest.param([span(0, 10), span(60, 70)], gaps((10, 60)), id="a span starting at the end"),
    ],
)
def test_gaps_in_a_window(spans: list[HistorySpan], expected: list[Gap]) -> None:
    assert find_gaps(spans, t(0), t(60)) == expected


def test_gaps_are_utc_whatever_the_window_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    found = find_gaps([span(10, 20)], t(0).astimezone(tokyo), t(60).astimezone(tokyo))
    assert found == gaps((0, 10), (20, 60))
    assert all(gap.start.tzinfo == timezone.utc and gap.end.tzinfo == timezone.utc for gap in found)
    assert [gap.duration for gap in found] == [timedelta(minutes=10), timedelta(minutes=40)]


def test_an_empty_window_has_no_gap() -> None:
    assert find_gaps([], t(5), t(5)) == []


async def test_one_history_call_for_the_window() -> None:
    requests: list[httpx.Request] = []
    start_ms = int(t(0).timestamp() * 1000)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return token_grant()
        requests.append(request)
        # Unsorted, the first reaching back before the window.
        return httpx.Response(
            200,
            json=[{"s": start_ms + 30 * 60_000, "d": 600_000}, {"s": start_ms - 60_000, "d": 11 * 60_000}],
        )

    async with client_on(handler) as amnimo:
        found = await amnimo.cameras.recording_gaps(SUB, CAMERA, start_time=t(0), end_time=t(60))

    assert found == gaps((10, 30), (40, 60))
    [request] = requests
    assert request.url.path == f"/ex/partitions/{SUB}/cameras/{CAMERA}/history"
    assert dict(request.url.params) == {
        "startTime": "2026-03-01T12:00:00.000Z",
        "endTime": "2026-03-01T13:00:00.000Z",
    }


async def test_window_checked_before_sending() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    async with client_on(handler) as amnimo:
        with pytest.raises(ValidationError, match="end_time"):
            await amnimo.cameras.recording_gaps(SUB, CAMERA, start_time=t(60), end_time=t(0))
        with pytest.raises(ValidationError, match="start_time"):
            await amnimo.cameras.recording_gaps(SUB, CAMERA, start_time=datetime(2026, 3, 1), end_time=t(0))


async def test_gaps_and_recordings_tile_the_window(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    camera = server.world.camera_id(sub, 4)
    start, end = clock() - 12 * 3600 + 0.25, clock() - 0.25  # edges that fall inside spans as well

    found = await amnimo.cameras.recording_gaps(sub, camera, start_time=at(start), end_time=at(end))

    # The fake's own spans (epoch ms), not the SDK's parse of them.
    spans = [
        (s["s"] / 1000, (s["s"] + s["d"]) / 1000)
        for s in server.world.dataset.history(server.world.subscription(sub), 4, start, end, clock())
    ]
    assert spans, "the test needs a camera that recorded in the window"
    assert found, "the test needs a camera that did not record throughout"
    assert all(a.end < b.start for a, b in itertools.pairwise(found))  # sorted, apart
    # Every second of the window (a quarter past: never on an edge) is in a gap or in a recording.
    moment = start
    while moment < end:
        in_gap = any(gap.start.timestamp() <= moment < gap.end.timestamp() for gap in found)
        recorded = any(a <= moment < b for a, b in spans)
        assert in_gap != recorded, at(moment)
        moment += 1
    assert server.journal.count(route="getHistory") == 1
