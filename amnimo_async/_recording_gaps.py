"""``cameras.recording_gaps``: the stretches of a time window with no cloud recording."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

import attrs

from ._endpoint import ClientLike
from ._models import HistorySpan
from .api.cameras import get_history


@attrs.frozen
class Gap:
    """A stretch with no cloud recording, from ``start`` to ``end`` (aware UTC datetimes)."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def find_gaps(spans: Iterable[HistorySpan], start_time: datetime, end_time: datetime) -> list[Gap]:
    """The parts of ``start_time``..``end_time`` no span covers, in time order.

    Spans may come in any order, overlap, touch, or reach past either edge of the window; an
    empty history is one gap, the whole window. Gaps never touch: each ends where recording starts.
    """
    start, end = start_time.astimezone(timezone.utc), end_time.astimezone(timezone.utc)
    gaps: list[Gap] = []
    covered_until = start  # everything before this is recorded, or outside the window
    recorded = sorted((span for span in spans if span.duration > timedelta(0)), key=lambda span: span.start)
    for span in recorded:  # a span of no (or negative) length records nothing: it must not split a gap
        if span.start >= end:
            break
        if span.start > covered_until:
            gaps.append(Gap(covered_until, span.start))
        covered_until = max(covered_until, span.end)
    if covered_until < end:
        gaps.append(Gap(covered_until, end))
    return gaps


async def recording_gaps(
    client: ClientLike, subscription_id: str, camera_id: str, *, start_time: datetime, end_time: datetime
) -> builtins.list[Gap]:  # builtins: it becomes a method beside `list` on the namespaces
    """The stretches between ``start_time`` and ``end_time`` (aware datetimes) with no cloud
    recording, in time order: a list of :class:`Gap` (``start``, ``end``, ``duration``, UTC),
    empty when the camera recorded throughout.

    Computed from one ``getHistory`` call (the window's bounds are checked as ``cameras.history``
    checks them): spans may come unsorted, overlap, touch or reach past the window's edges; an
    empty history is one gap, the whole window.

    ::

        for gap in await amnimo.cameras.recording_gaps(sub, camera_id, start_time=t0, end_time=t1):
            print(gap.start, gap.end, gap.duration)
    """
    spans = await get_history.asyncio(
        client, subscription_id, camera_id, start_time=start_time, end_time=end_time
    )
    return find_gaps(spans, start_time, end_time)
