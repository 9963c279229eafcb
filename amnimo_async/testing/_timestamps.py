"""Wire timestamps: ``yyyy-mm-ddTHH:MM:SS.SSSZ`` UTC, written and parsed (the form is the spec's
``WireTimestamp`` pattern; the date must also exist, as its ``x-calendar-date`` says)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .._operations import WIRE_TIMESTAMP

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_WIRE = re.compile(WIRE_TIMESTAMP.pattern or "")
WIRE_FORMAT = "yyyy-mm-ddTHH:MM:SS.SSSZ"


def format_timestamp(seconds: float) -> str:
    """Write epoch ``seconds`` as ``2025-02-14T15:00:00.000Z`` (milliseconds floored)."""
    return format_millis(int(seconds * 1000 // 1))


def format_millis(millis: int) -> str:
    """Write epoch milliseconds as ``2025-02-14T15:00:00.000Z``."""
    moment = _EPOCH + timedelta(milliseconds=millis)
    # Not strftime: its %Y writes the year 53 as "53", where ISO-8601 wants "0053".
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{millis % 1000:03d}Z"
    )


def parse_timestamp(text: str, *, strict: bool = True) -> float | None:
    """Read a timestamp sent by a client into epoch seconds, or None if it is not one.

    Strict: exactly ``yyyy-mm-ddTHH:MM:SS.SSSZ``. Lenient: any ISO-8601 form with a time zone.
    Either way the date must exist (``2025-02-30`` is not one).
    """
    if strict and not _WIRE.match(text):
        return None
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (moment - _EPOCH).total_seconds()
