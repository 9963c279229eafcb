"""Output: machine formats (json, jsonl, csv) untouched on stdout or a file; tables for people."""

from __future__ import annotations

import csv
import enum
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

import attrs
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from amnimo_async import InventoryRecord, SweepError, unstructure

__all__ = [
    "RecordWriter",
    "emit",
    "emit_json",
    "jsonable",
    "open_output",
    "record_dict",
    "show",
    "stderr_console",
    "stdout_console",
]


def stdout_console() -> Console:
    return Console(soft_wrap=False)


def stderr_console(force: bool | None = None) -> Console:
    return Console(stderr=True, force_terminal=force)


def jsonable(value: Any) -> Any:
    """Wire JSON for models (camelCase, timestamps as strings); plain values as they are."""
    if isinstance(value, SweepError):
        return {
            "subscriptionId": value.subscription_id,
            "kind": value.kind,
            "page": value.page,
            "error": str(value.error),
        }
    if attrs.has(type(value)):
        return unstructure(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def record_dict(record: InventoryRecord) -> dict[str, Any]:
    return {"subscriptionId": record.subscription_id, "kind": record.kind, "item": jsonable(record.item)}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def open_output(output: Path | None) -> AbstractContextManager[IO[str]]:
    """The file to write (UTF-8, newline-exact), or stdout."""
    if output is None:
        return nullcontext(sys.stdout)
    return output.open("w", encoding="utf-8", newline="")


def json_line(data: Any) -> str:
    """``data`` (JSON-ready) as one compact JSON line, newline included (JSON Lines)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def emit_json(data: Any, stream: IO[str] | None = None) -> None:
    """``data`` (JSON-ready) as indented JSON, on ``stream`` or stdout."""
    out = stream if stream is not None else sys.stdout
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    out.flush()


def emit(
    items: Iterable[Any],
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    output: Path | None = None,
) -> None:
    """Write ``items`` (models or dicts) as ``fmt``; ``columns`` choose what a table/CSV shows
    (JSON shows every field)."""
    rows: list[dict[str, Any]] = [jsonable(item) for item in items]
    cols = list(columns) if columns else _columns(rows)
    if fmt == "table":
        table = Table(title=title)
        for name in cols:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*(Text(_cell(row.get(name))) for name in cols))
        if output is None:
            stdout_console().print(table)
        else:
            with output.open("w", encoding="utf-8") as file:
                Console(file=file, width=200).print(table)
        return
    with open_output(output) as stream:
        if fmt == "json":
            emit_json(rows, stream)
        elif fmt == "jsonl":
            for row in rows:
                stream.write(json_line(row))
        elif fmt == "csv":
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(cols)
            for row in rows:
                writer.writerow([_cell(row.get(name)) for name in cols])
        else:  # pragma: no cover - typer checks the choice
            raise ValueError(f"unknown format {fmt!r}")
        stream.flush()


def _columns(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key)
    return list(seen)


def show(value: Any, fmt: str, title: str | None = None) -> None:
    """One object (a model or a dict): JSON, or a two-column table of its fields."""
    data = jsonable(value)
    if fmt == "json":
        emit_json(data)
        return
    if not isinstance(data, dict):
        stdout_console().print(Text(str(data)))
        return
    if not any(item for key, item in data.items() if key != "extra") and not data.get("extra"):
        typer.echo("done", err=True)  # an empty answer: the call worked, there is nothing to show
        return
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, item in data.items():
        if key == "extra" and not item:
            continue
        table.add_row(
            Text(key), Text(item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
        )
    stdout_console().print(table)


INVENTORY_COLUMNS = ("subscriptionId", "kind", "id", "name", "status", "item")


def inventory_row(record: InventoryRecord) -> dict[str, Any]:
    """A flat row of a record for tables and CSV (the whole item as JSON in ``item``)."""
    item = jsonable(record.item)
    if record.kind == "cameras":
        name, status = item.get("displayName"), item.get("status")
    elif record.kind == "media":
        name, status = item.get("name"), item.get("status")
    elif record.kind == "devices":
        name, status = item.get("dName"), None
    else:
        name, status = None, item.get("error")
    return {
        "subscriptionId": record.subscription_id,
        "kind": record.kind,
        "id": item.get("id"),
        "name": name,
        "status": status,
        "item": item,
    }


class RecordWriter:
    """Streams inventory records as jsonl/csv as they come; json and table are written at the end."""

    def __init__(self, fmt: str, stream: IO[str]) -> None:
        self.fmt = fmt
        self.stream = stream
        self.count = 0
        self._rows: list[dict[str, Any]] = []
        self._csv = csv.writer(stream, lineterminator="\n") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(INVENTORY_COLUMNS)

    def write(self, record: InventoryRecord) -> None:
        self.count += 1
        if self.fmt == "jsonl":
            self.stream.write(json_line(record_dict(record)))
        elif self._csv is not None:
            row = inventory_row(record)
            self._csv.writerow([_cell(row[name]) for name in INVENTORY_COLUMNS])
        elif self.fmt == "json":
            self._rows.append(record_dict(record))
        else:
            self._rows.append(inventory_row(record))

    def finish(self, title: str | None = None) -> None:
        if self.fmt == "json":
            emit_json(self._rows, self.stream)
        elif self.fmt == "table":
            buffer = io.StringIO()
            table = Table(title=title)
            for name in INVENTORY_COLUMNS[:-1]:
                table.add_column(name, overflow="fold")
            for row in self._rows:
                table.add_row(*(Text(_cell(row[name])) for name in INVENTORY_COLUMNS[:-1]))
            console = stdout_console() if self.stream is sys.stdout else Console(file=buffer, width=160)
            console.print(table)
            if self.stream is not sys.stdout:
                self.stream.write(buffer.getvalue())
        self.stream.flush()
