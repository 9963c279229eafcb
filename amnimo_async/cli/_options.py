"""Options several commands share: output formats and files, times and comma-separated lists."""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated

import typer

from amnimo_async import ValidationError

from ._runtime import command_errors

__all__ = [
    "CountOption",
    "Format",
    "FormatOption",
    "OutputOption",
    "PageOption",
    "ShowFormat",
    "ShowOption",
    "TreeFormat",
    "comma_list",
    "optional_time",
    "parse_time",
    "time_option",
    "time_window",
]


class Format(str, enum.Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ShowFormat(str, enum.Enum):
    table = "table"
    json = "json"


class TreeFormat(str, enum.Enum):
    tree = "tree"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
ShowOption = Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")]
PageOption = Annotated[int, typer.Option(min=0)]
CountOption = Annotated[int, typer.Option(min=1)]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.", dir_okay=False)
]

_RELATIVE = re.compile(r"^-(\d+(?:\.\d+)?)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_time(argument: str, value: str) -> datetime:
    """``now``, ``-90m`` / ``-2h`` / ``-1d`` (ago), or ISO 8601 (naive means UTC)."""
    text = value.strip()
    now = datetime.now(timezone.utc)
    if text == "now":
        return now
    match = _RELATIVE.match(text)
    if match:
        return now - timedelta(**{_UNITS[match[2]]: float(match[1])})
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValidationError(argument, f"expected ISO 8601, 'now' or e.g. '-2h', got {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def time_option(ctx: typer.Context, argument: str, value: str) -> datetime:
    """A time option; a bad one ends the command with exit code 2."""
    with command_errors(ctx):
        return parse_time(argument, value)


def optional_time(ctx: typer.Context, argument: str, value: str | None) -> datetime | None:
    """An optional time option."""
    return None if value is None else time_option(ctx, argument, value)


def time_window(ctx: typer.Context, start: str, end: str) -> tuple[datetime, datetime]:
    """The ``--start`` and ``--end`` options of a command over a span of time."""
    return time_option(ctx, "start", start), time_option(ctx, "end", end)


def comma_list(text: str) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``."""
    return [part.strip() for part in text.split(",") if part.strip()]
