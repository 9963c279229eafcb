"""UTC timestamps on the wire: ``yyyy-mm-ddTHH:MM:SS.SSSZ`` out, ISO-8601 in."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?\Z",
    re.IGNORECASE,
)


def is_aware(value: datetime) -> bool:
    """True for a datetime that knows its offset from UTC."""
    return value.tzinfo is not None and value.utcoffset() is not None


def format_timestamp(value: datetime) -> str:
    """Render an aware datetime as the API writes time: UTC with milliseconds."""
    utc = value.astimezone(timezone.utc)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 timestamp from an answer into an aware UTC datetime.

    Answers write ``2019-08-24T14:15:22Z`` or ``2025-02-14T15:00:00.000Z``; a missing offset is
    read as UTC, since the API documents every time as UTC.
    """
    if text.endswith(("Z", "z")):  # the API's own form: a fast path through the C parser
        try:
            parsed = datetime.fromisoformat(text[:-1])
        except ValueError:
            parsed = None  # e.g. a fraction of other than 3 or 6 digits on Python 3.10
        if parsed is not None and parsed.tzinfo is None:
            return parsed.replace(tzinfo=timezone.utc)
    match = _ISO.match(text)
    if match is None:
        raise ValueError(f"not an ISO-8601 timestamp: {text[:40]!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, offset = match.group(7), match.group(8)
    micro = int((fraction or "0").ljust(6, "0")[:6])
    tz = timezone.utc
    if offset and offset.upper() != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    value = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    return value.astimezone(timezone.utc)


def from_epoch_ms(value: int) -> datetime:
    """An epoch-milliseconds integer as an aware UTC datetime."""
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=value)


def to_epoch_ms(value: datetime) -> int:
    """An aware datetime as epoch milliseconds."""
    delta = value - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
