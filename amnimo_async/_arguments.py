"""Checks for arguments against the documented constraints, raising :class:`ValidationError`.

Every check names the Python argument and the allowed range, and runs before anything is sent.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterable
from datetime import datetime

from ._errors import ValidationError
from ._timestamps import format_timestamp, is_aware

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\Z")


def uuid_string(name: str, value: object) -> str:
    """A uuid given as a string (or :class:`uuid.UUID`), returned in canonical lower-case form."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise ValidationError(name, f"must be a uuid string, got {type(value).__name__}")
    if not _UUID.match(value):
        raise ValidationError(
            name,
            f"must be a uuid in 8-4-4-4-12 form like 3d07c219-0a88-45be-9cfc-91e9d095a1e9, got {value!r}",
        )
    return value.lower()


def text(name: str, value: object, *, min_length: int = 1, max_length: int | None = None) -> str:
    """A string of bounded length (``min_length`` 1 by default: not empty)."""
    if not isinstance(value, str):
        raise ValidationError(name, f"must be a string, got {type(value).__name__}")
    if len(value) < min_length or (max_length is not None and len(value) > max_length):
        bound = f"{min_length} to {max_length}" if max_length is not None else f"at least {min_length}"
        raise ValidationError(name, f"must be {bound} characters long, got {len(value)}")
    return value


def integer(name: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    """An int (not a bool) within ``minimum..maximum`` inclusive."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(name, f"must be an integer, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f"from {minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
        raise ValidationError(name, f"must be an integer {allowed}, got {value}")
    return value


def boolean(name: str, value: object) -> bool:
    """A real bool (``1`` or ``"yes"`` are refused rather than guessed at)."""
    if not isinstance(value, bool):
        raise ValidationError(name, f"must be True or False, got {value!r}")
    return value


def choice(name: str, value: object, allowed: Collection[str]) -> str:
    """One of a closed set of strings."""
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(name, f"must be one of {', '.join(sorted(allowed))}, got {value!r}")
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
    return format_timestamp(value)


def time_range(start_name: str, start: datetime, end_name: str, end: datetime) -> None:
    """Both ends already checked; the end must not come before the start."""
    if end < start:
        raise ValidationError(end_name, f"must not be before {start_name}")


def string_list(name: str, values: Iterable[object] | None, *, item: str) -> list[object]:
    """A list-like argument (a bare string is refused: it would iterate by character)."""
    if values is None or isinstance(values, (str, bytes)):
        raise ValidationError(name, f"must be a list of {item}, got {type(values).__name__}")
    return list(values)
