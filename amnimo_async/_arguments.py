"""Checks for arguments against the documented constraints, raising :class:`ValidationError`.

Every check names the Python argument and the allowed range, and runs before anything is sent.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from ._errors import ValidationError
from ._timestamps import format_timestamp, is_aware

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\Z")

# The ceiling of an integer the API documents without a maximum: what a server's 64-bit field holds
# (a much larger one could not even be written out: Python refuses ints of over 4300 digits).
INT64_MAX = 2**63 - 1


def shown(value: object) -> str:
    """``repr(value)`` for an error message: kept short, and safe for values that cannot be printed."""
    if isinstance(value, int) and value.bit_length() > 128:
        return f"a {value.bit_length()}-bit integer"
    try:
        text = repr(value)
    except Exception:  # e.g. a list holding an int too long to print
        return f"a {type(value).__name__}"
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} characters)"


def uuid_string(name: str, value: object) -> str:
    """A uuid given as a string (or :class:`uuid.UUID`), returned in canonical lower-case form."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise ValidationError(name, f"must be a uuid string, got {type(value).__name__}")
    if not _UUID.match(value):
        raise ValidationError(
            name,
            "must be a uuid in 8-4-4-4-12 form like 3d07c219-0a88-45be-9cfc-91e9d095a1e9, "
            f"got {shown(value)}",
        )
    return value.lower()


def text(name: str, value: object, *, min_length: int = 1, max_length: int | None = None) -> str:
    """A string of bounded length (``min_length`` 1 by default: not empty) that can be sent as UTF-8."""
    if not isinstance(value, str):
        raise ValidationError(name, f"must be a string, got {type(value).__name__}")
    if len(value) < min_length or (max_length is not None and len(value) > max_length):
        bound = f"{min_length} to {max_length}" if max_length is not None else f"at least {min_length}"
        raise ValidationError(name, f"must be {bound} characters long, got {len(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(
            name, f"must be valid Unicode text, got a lone surrogate at index {exc.start}"
        ) from None
    return value


def integer(
    name: str, value: object, *, minimum: int, maximum: int | None = None, ceiling: int = INT64_MAX
) -> int:
    """An int (not a bool) within ``minimum..maximum`` inclusive, returned as a plain int (an
    ``IntEnum`` member as its value). Without a documented ``maximum``, ``ceiling`` (what the wire
    type holds) bounds it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(name, f"must be an integer, got {type(value).__name__}")
    if maximum is not None:
        upper, allowed = maximum, f"from {minimum} to {maximum}"
    else:
        upper, allowed = ceiling, f"at least {minimum} (at most {ceiling})"
    if not minimum <= value <= upper:
        raise ValidationError(name, f"must be an integer {allowed}, got {shown(value)}")
    return int(value)


def boolean(name: str, value: object) -> bool:
    """A real bool (``1`` or ``"yes"`` are refused rather than guessed at)."""
    if not isinstance(value, bool):
        raise ValidationError(name, f"must be True or False, got {shown(value)}")
    return value


def choice(name: str, value: object, allowed: Collection[str]) -> str:
    """One of a closed set of strings."""
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(name, f"must be one of {', '.join(sorted(allowed))}, got {shown(value)}")
    return value


def timestamp(name: str, value: object) -> str:
    """An aware datetime rendered for the wire; naive datetimes are refused."""
    if not isinstance(value, datetime):
        raise ValidationError(name, f"must be a timezone-aware datetime, got {type(value).__name__}")
    if not is_aware(value):
        raise ValidationError(
            name,
            "must be timezone-aware (the API works in UTC), e.g. datetime(..., tzinfo=timezone.utc)",
        )
    try:
        return format_timestamp(value)
    except OverflowError:  # e.g. 0001-01-01 00:00 at +01:00 is before year 1 in UTC
        raise ValidationError(
            name, f"must fall within the years 1 to 9999 once converted to UTC, got {value.isoformat()}"
        ) from None


def time_range(start_name: str, start: datetime, end_name: str, end: datetime) -> None:
    """Both ends already checked; the end must not come before the start."""
    if end < start:
        raise ValidationError(end_name, f"must not be before {start_name}")


def string_list(name: str, values: Iterable[object] | None, *, item: str) -> list[object]:
    """A list-like argument. A bare string (it would iterate by character) and a mapping (by key)
    are refused, as is anything that is not iterable."""
    if isinstance(values, (str, bytes, bytearray, Mapping)) or not isinstance(values, Iterable):
        raise ValidationError(name, f"must be a list of {item}, got {type(values).__name__}")
    return list(values)
