"""The ``amnimo`` command: the SDK at the shell, with a token cache shared by every run."""

from __future__ import annotations

import enum
import logging
import re
import sys
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
import attrs
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .._client import AsyncAmnimo
from .._errors import ValidationError
from .._file_cache import FileTokenCache
from .._inventory import Inventory, InventorySummary
from .._inventory import Progress as SweepProgress
from .._logging import logger
from .._models import Account, PortAction
from ._config import resolve_settings
from ._errors import EPILOG, ExitCode, describe, exit_code
from ._output import RecordWriter, emit, jsonable, open_output, stderr_console, stdout_console

T = TypeVar("T")


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


class PortActionName(str, enum.Enum):
    disable = "disable"
    enable = "enable"
    reset = "reset"


@attrs.define
class State:
    """Global options, kept on the Typer context."""

    profile: str | None = None
    base_url: str | None = None
    verbose: bool = False
    debug: bool = False
    progress: bool | None = None
    max_retries: int | None = None
    timeout: float | None = None


app = typer.Typer(
    name="amnimo",
    help="The amnimo API v1.7 from the shell (cameras, media, devices, streams, inventories).",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
cameras_app = typer.Typer(help="Cameras: list, get, thumbnails, recording history.", no_args_is_help=True)
media_app = typer.Typer(help="Clips and snapshots.", no_args_is_help=True)
devices_app = typer.Typer(help="Edge devices: external devices, peripherals, ports.", no_args_is_help=True)
stream_app = typer.Typer(help="HLS live/playback streams.", no_args_is_help=True)
token_app = typer.Typer(help="The cached access token.", no_args_is_help=True)
app.add_typer(cameras_app, name="cameras")
app.add_typer(media_app, name="media")
app.add_typer(devices_app, name="devices")
app.add_typer(stream_app, name="stream")
app.add_typer(token_app, name="token")


# --- plumbing ---------------------------------------------------------------------------------


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("amnimo: %(levelname)s: %(message)s"))
    handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.propagate = False


@app.callback()
def _options(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Profile of the config file to use.", envvar="AMNIMO_PROFILE"),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="API base URL (else AMNIMO_BASE_URL or the profile's).")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log every request (credentials redacted) to stderr.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")] = False,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Progress bars on stderr [default: if a terminal]."),
    ] = None,
    max_retries: Annotated[
        int | None, typer.Option("--max-retries", min=0, help="Retries of a failed request [SDK default].")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=0.1, help="Seconds per request [SDK default].")
    ] = None,
) -> None:
    ctx.obj = State(profile, base_url, verbose, debug, progress, max_retries, timeout)
    _setup_logging(verbose)


def _state(ctx: typer.Context) -> State:
    state = ctx.find_root().obj
    return state if isinstance(state, State) else State()


def _leaf(exc: BaseException) -> BaseException:
    """The first error inside (nested) exception groups."""
    inner = getattr(exc, "exceptions", None)
    while isinstance(inner, tuple) and inner and isinstance(inner[0], BaseException):
        exc = inner[0]
        inner = getattr(exc, "exceptions", None)
    return exc


def _fail(state: State, exc: BaseException) -> typer.Exit:
    exc = _leaf(exc)
    if state.debug:
        traceback.print_exception(exc, file=sys.stderr)
    typer.echo(f"amnimo: error: {describe(exc)}", err=True)
    return typer.Exit(int(exit_code(exc)))


def _run(ctx: typer.Context, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` on an event loop; an error becomes one line on stderr and its exit code."""
    state = _state(ctx)
    try:
        return anyio.run(work)
    except (typer.Exit, typer.Abort):
        raise
    except (Exception, KeyboardInterrupt) as exc:
        raise _fail(state, exc) from None


def _client(ctx: typer.Context) -> AsyncAmnimo:
    state = _state(ctx)
    settings = resolve_settings(state.profile, base_url=state.base_url)
    options: dict[str, Any] = {}
    if state.max_retries is not None:
        options["max_retries"] = state.max_retries
    if state.timeout is not None:
        options["timeout"] = state.timeout
    return AsyncAmnimo(
        settings.client_id,
        settings.secret_key,
        base_url=settings.base_url,
        token_cache=FileTokenCache(),  # the client gives it the secret to seal with
        **options,
    )


def _call(ctx: typer.Context, action: Callable[[AsyncAmnimo], Awaitable[T]]) -> T:
    """Build the client (errors count as the command's) and run ``action`` with it."""

    async def work() -> T:
        async with _client(ctx) as amnimo:
            return await action(amnimo)

    return _run(ctx, work)


def _progress_console(state: State) -> Console:
    return stderr_console(force=True if state.progress else None)


def _progress_enabled(state: State, console: Console) -> bool:
    return state.progress if state.progress is not None else console.is_terminal


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


def _time(ctx: typer.Context, argument: str, value: str) -> datetime:
    """A time option; a bad one ends the command with exit code 2."""
    try:
        return parse_time(argument, value)
    except ValidationError as exc:
        raise _fail(_state(ctx), exc) from None


def _when(ctx: typer.Context, argument: str, value: str | None) -> datetime | None:
    """An optional time option."""
    return None if value is None else _time(ctx, argument, value)


def _show(value: Any, fmt: ShowFormat, title: str | None = None) -> None:
    """One object: JSON, or a two-column table of its fields."""
    data = jsonable(value)
    if fmt is ShowFormat.json:
        emit_json(data)
        return
    if not isinstance(data, dict):
        stdout_console().print(Text(str(data)))
        return
    if not any(value for key, value in data.items() if key != "extra") and not data.get("extra"):
        typer.echo("done", err=True)
        return
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, item in data.items():
        if key == "extra" and not item:
            continue
        table.add_row(Text(key), Text(item if isinstance(item, str) else _json_text(item)))
    stdout_console().print(table)


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def emit_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
ShowOption = Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.", dir_okay=False)
]


# --- inventory and hierarchy --------------------------------------------------------------


def _summary_table(summary: InventorySummary, kinds: Sequence[str], title: str) -> Table:
    table = Table(title=title)
    table.add_column("subscription")
    for kind in kinds:
        table.add_column(kind, justify="right")
    for subscription, counts in summary.counts.items():
        table.add_row(Text(subscription), *(f"{counts.get(kind, 0):,}" for kind in kinds))
    totals = summary.total
    table.add_section()
    table.add_row("total", *(f"{totals.get(kind, 0):,}" for kind in kinds), style="bold")
    table.caption = (
        f"{summary.requests:,} requests, {summary.throttled} throttled (429), {summary.retries} retries, "
        f"{summary.token_calls} token calls, {len(summary.errors)} errors, {summary.elapsed:.1f} s"
    )
    return table


async def _sweep(
    sweep_of: Callable[[Callable[[SweepProgress], None]], Inventory],
    writer: RecordWriter,
    console: Console,
    enabled: bool,
) -> Inventory:
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages · {task.fields[items]:,} items · {task.fields[subs]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=not enabled, transient=False) as bar:
        task: TaskID = bar.add_task("inventory", total=None, items=0, subs="")

        def on_progress(p: SweepProgress) -> None:
            bar.update(
                task,
                completed=p.pages_done,
                total=p.pages_expected,
                items=p.items,
                subs=f"{p.subscriptions_done}/{p.subscriptions_total} subscriptions",
            )

        sweep = sweep_of(on_progress)
        async for record in sweep:
            writer.write(record)
    return sweep


@app.command()
def inventory(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(help="Root account of the sweep.")],
    include: Annotated[str, typer.Option(help="Comma-separated kinds.")] = "cameras,media,devices",
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Subscriptions swept at once.")] = 8,
) -> None:
    """Every camera, media and external device under ACCOUNT_ID (a summary goes to stderr)."""
    state = _state(ctx)
    console = _progress_console(state)

    async def work() -> None:
        async with _client(ctx) as amnimo:
            kinds = [kind.strip() for kind in include.split(",") if kind.strip()]
            amnimo.inventory(account_id, include=include)  # validate before opening the output
            with open_output(output) as stream:
                writer = RecordWriter(fmt.value, stream)
                sweep = await _sweep(
                    lambda report: amnimo.inventory(
                        account_id, include=include, concurrency=concurrency, on_progress=report
                    ),
                    writer,
                    console,
                    _progress_enabled(state, console),
                )
                writer.finish(title=f"inventory of {account_id}")
            stderr_console().print(_summary_table(sweep.summary, kinds, f"inventory of {account_id}"))
            if output is not None:
                typer.echo(f"wrote {writer.count:,} records to {output}", err=True)
            for error in sweep.summary.errors:
                typer.echo(f"amnimo: warning: {error}", err=True)

    _run(ctx, work)


def _account_label(account: Account) -> str:
    label = f"{account.account_name or '(unnamed)'} [{account.account_id}]"
    if account.subscription_id:
        label += f" — subscription {account.subscription_name or ''} [{account.subscription_id}]"
    return label


@app.command()
def hierarchy(
    ctx: typer.Context,
    account_id: str,
    fmt: Annotated[TreeFormat, typer.Option("--format", "-f", help="Output format.")] = TreeFormat.tree,
) -> None:
    """The account tree under ACCOUNT_ID with its subscriptions."""
    root = _call(ctx, lambda amnimo: amnimo.accounts.hierarchy(account_id))
    if fmt is TreeFormat.json:
        emit_json(jsonable(root))
        return
    tree = Tree(Text(_account_label(root)))
    stack: list[tuple[Account, Tree]] = [(root, tree)]
    while stack:
        account, node = stack.pop()
        for child in account.child_accounts:
            stack.append((child, node.add(Text(_account_label(child)))))
    stdout_console().print(tree)


# --- cameras ------------------------------------------------------------------------------

CAMERA_COLUMNS = ("id", "displayName", "status", "recordingStatus", "pid", "deviceVersion")


@cameras_app.command("list")
def cameras_list(
    ctx: typer.Context,
    subscription_id: str,
    all_pages: Annotated[bool, typer.Option("--all", help="Every camera (all pages).")] = False,
    page: Annotated[int, typer.Option(min=0)] = 0,
    size: Annotated[int, typer.Option(min=1)] = 500,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Cameras of SUBSCRIPTION_ID (one page, or --all)."""

    async def action(amnimo: AsyncAmnimo) -> list[Any]:
        if all_pages:
            return [camera async for camera in amnimo.cameras.iter(subscription_id, size=size)]
        return list((await amnimo.cameras.list(subscription_id, page=page, size=size)).cameras)

    cameras = _call(ctx, action)
    rows = [jsonable(camera) for camera in cameras]
    emit(rows, fmt.value, columns=CAMERA_COLUMNS, output=output)  # columns shape tables and CSV only


@cameras_app.command("get")
def cameras_get(
    ctx: typer.Context, subscription_id: str, camera_id: str, fmt: ShowOption = ShowFormat.table
) -> None:
    """One camera."""
    _show(_call(ctx, lambda amnimo: amnimo.cameras.get(subscription_id, camera_id)), fmt, "camera")


@cameras_app.command("thumbnails")
def cameras_thumbnails(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    start: Annotated[str | None, typer.Option(help="ISO time, 'now' or e.g. '-2h'.")] = None,
    end: Annotated[str | None, typer.Option(help="ISO time, 'now' or e.g. '-1h'.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 10,
    fmt: FormatOption = Format.table,
) -> None:
    """Thumbnails of a camera (presigned URLs)."""
    start_time, end_time = _when(ctx, "start", start), _when(ctx, "end", end)
    result = _call(
        ctx,
        lambda amnimo: amnimo.cameras.thumbnails(
            subscription_id, camera_id, start_time=start_time, end_time=end_time, limit=limit
        ),
    )
    emit([jsonable(item) for item in result.thumbnails], fmt.value, columns=("ts", "code", "url"))


@cameras_app.command("history")
def cameras_history(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    start: Annotated[str, typer.Option(help="ISO time, 'now' or e.g. '-1d'.")] = "-1d",
    end: Annotated[str, typer.Option(help="ISO time, 'now' or e.g. '-1h'.")] = "now",
    fmt: FormatOption = Format.table,
) -> None:
    """Cloud-recording spans of a camera."""
    start_time, end_time = _time(ctx, "start", start), _time(ctx, "end", end)
    spans = _call(
        ctx,
        lambda amnimo: amnimo.cameras.history(
            subscription_id, camera_id, start_time=start_time, end_time=end_time
        ),
    )
    rows = [{"start": span.start.isoformat(), "seconds": span.duration.total_seconds()} for span in spans]
    emit(rows, fmt.value, columns=("start", "seconds"))


# --- media --------------------------------------------------------------------------------

MEDIA_COLUMNS = ("id", "cameraId", "category", "type", "status", "name", "startTime", "endTime", "size")


@media_app.command("search")
def media_search(
    ctx: typer.Context,
    subscription_id: str,
    camera: Annotated[str | None, typer.Option("--camera", help="Only this camera's media.")] = None,
    category: Annotated[str | None, typer.Option(help="CLIP, SNAPSHOT or both comma-separated.")] = None,
    all_pages: Annotated[bool, typer.Option("--all", help="Every media (all pages).")] = False,
    page: Annotated[int, typer.Option(min=0)] = 0,
    size: Annotated[int, typer.Option(min=1)] = 1000,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Media of a subscription or camera."""
    categories = [c.strip() for c in category.split(",") if c.strip()] if category else None

    async def action(amnimo: AsyncAmnimo) -> list[Any]:
        if all_pages:
            return [
                m
                async for m in amnimo.media.iter(
                    subscription_id, camera, categories=categories, page_size=size
                )
            ]
        return list(
            await amnimo.media.search(
                subscription_id, camera, categories=categories, page_number=page, page_size=size
            )
        )

    rows = [jsonable(m) for m in _call(ctx, action)]
    emit(rows, fmt.value, columns=MEDIA_COLUMNS, output=output)  # columns shape tables and CSV only


@media_app.command("get")
def media_get(
    ctx: typer.Context, subscription_id: str, media_id: str, fmt: ShowOption = ShowFormat.table
) -> None:
    """One media (with a presigned URL when it is COMPLETED)."""
    _show(_call(ctx, lambda amnimo: amnimo.media.get(subscription_id, media_id)), fmt, "media")


@media_app.command("create")
def media_create(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    category: Annotated[str, typer.Option(help="CLIP or SNAPSHOT.")] = "SNAPSHOT",
    start: Annotated[str, typer.Option(help="ISO time, 'now' or e.g. '-10m'.")] = "-1m",
    end: Annotated[str | None, typer.Option(help="End of a CLIP.")] = None,
    name: Annotated[str | None, typer.Option(help="Name (1..64 characters).")] = None,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Cut a clip or take a snapshot (it starts PROCESSING)."""
    start_time, end_time = _time(ctx, "start", start), _when(ctx, "end", end)
    media = _call(
        ctx,
        lambda amnimo: amnimo.media.create(
            subscription_id, camera_id, category=category, start_time=start_time, end_time=end_time, name=name
        ),
    )
    _show(media, fmt, "media")


@media_app.command("rename")
def media_rename(
    ctx: typer.Context, subscription_id: str, media_id: str, name: str, fmt: ShowOption = ShowFormat.table
) -> None:
    """Rename a media."""
    _show(_call(ctx, lambda amnimo: amnimo.media.rename(subscription_id, media_id, name)), fmt, "media")


@media_app.command("delete")
def media_delete(
    ctx: typer.Context,
    subscription_id: str,
    media_id: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a media."""
    if not yes and not typer.confirm(f"delete media {media_id}?", err=True):
        raise typer.Exit(int(ExitCode.ERROR))
    _call(ctx, lambda amnimo: amnimo.media.delete(subscription_id, media_id))
    typer.echo(f"deleted media {media_id}", err=True)


@media_app.command("download")
def media_download(
    ctx: typer.Context,
    subscription_id: str,
    media_id: str,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File [MEDIA_ID.mp4/.jpg].")] = None,
) -> None:
    """Download a COMPLETED media's file (streamed, with a progress bar on stderr)."""
    state = _state(ctx)
    console = _progress_console(state)

    async def action(amnimo: AsyncAmnimo) -> Path:
        from ._download import download

        media = await amnimo.media.get(subscription_id, media_id)
        return await download(media, output, console, _progress_enabled(state, console))

    path = _call(ctx, action)
    typer.echo(f"saved {path}", err=True)


# --- devices ------------------------------------------------------------------------------


@devices_app.command("external")
def devices_external(
    ctx: typer.Context,
    subscription_id: str,
    device_id: Annotated[str | None, typer.Argument(help="One device (else every device).")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """External devices seen by the edge devices of a subscription (or of one device)."""

    async def action(amnimo: AsyncAmnimo) -> list[dict[str, Any]]:
        if device_id is not None:
            found = await amnimo.devices.external(subscription_id, device_id)
            return [{"deviceId": device_id, **jsonable(ext)} for ext in found.data]
        rows: list[dict[str, Any]] = []
        async for device in amnimo.devices.iter_external(subscription_id):
            for ext in device.external_devices:
                rows.append({"deviceId": device.id, "deviceName": device.device_name, **jsonable(ext)})
        return rows

    emit(_call(ctx, action), fmt.value, output=output)


@devices_app.command("peripherals")
def devices_peripherals(
    ctx: typer.Context, subscription_id: str, device_id: str, fmt: FormatOption = Format.table
) -> None:
    """Ports of a device."""
    found = _call(ctx, lambda amnimo: amnimo.devices.peripherals(subscription_id, device_id))
    emit([jsonable(port) for port in found.data], fmt.value)


@devices_app.command("port")
def devices_port(
    ctx: typer.Context,
    subscription_id: str,
    device_id: str,
    port_id: str,
    action: Annotated[PortActionName, typer.Option(help="What to do with the port.")],
    reset_timer: Annotated[int | None, typer.Option(help="Seconds (reset only).")] = None,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Enable, disable or reset a port."""
    code = PortAction[action.value.upper()]
    result = _call(
        ctx,
        lambda amnimo: amnimo.devices.operate_port(
            subscription_id, device_id, port_id, action=int(code), reset_timer=reset_timer
        ),
    )
    _show(result, fmt, "port")


# --- streams ------------------------------------------------------------------------------


@stream_app.command("start")
def stream_start(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    at: Annotated[str, typer.Option("--at", help="'live' or an ISO time to play back from.")] = "live",
    keep_alive: Annotated[int, typer.Option(help="Seconds the session lives without update.")] = 60,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Start an HLS session; prints its request id and playlist URL."""
    dt: Any = "live" if at == "live" else _when(ctx, "at", at)
    session = _call(
        ctx,
        lambda amnimo: amnimo.streams.start_hls(
            subscription_id, camera_id, dt=dt, keep_alive_period=keep_alive
        ),
    )
    _show(session, fmt, "hls session")


@stream_app.command("update")
def stream_update(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    request_id: str,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Keep an HLS session alive."""
    _show(_call(ctx, lambda amnimo: amnimo.streams.update_hls(subscription_id, camera_id, request_id)), fmt)


@stream_app.command("stop")
def stream_stop(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    request_id: str,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Stop an HLS session."""
    _show(_call(ctx, lambda amnimo: amnimo.streams.stop_hls(subscription_id, camera_id, request_id)), fmt)


# --- token --------------------------------------------------------------------------------


@token_app.command("status")
def token_status(ctx: typer.Context, fmt: ShowOption = ShowFormat.table) -> None:
    """The cached token's expiry and this month's token calls (no request is made)."""
    state = _state(ctx)
    try:
        settings = resolve_settings(state.profile, base_url=state.base_url, need_secret=False)
        cache = FileTokenCache()  # the expiry is readable without the secret; the token is not
        expires_at = cache.expiry(settings.cache_key)
        usage = cache.usage(settings.cache_key)
    except Exception as exc:
        raise _fail(state, exc) from None
    now = datetime.now(timezone.utc)
    expires = datetime.fromtimestamp(expires_at, timezone.utc) if expires_at is not None else None
    info = {
        "clientId": settings.client_id,
        "baseUrl": settings.base_url,
        "credentials": settings.source,
        "cacheFile": str(cache.path(settings.cache_key)),
        "token": "none" if expires is None else ("valid" if expires > now else "expired"),
        "expiresAt": expires.isoformat() if expires else None,
        "expiresInSeconds": int((expires - now).total_seconds()) if expires else None,
        "month": usage.month,
        "tokenCallsThisMonth": usage.count,
        "monthlyQuota": usage.quota,
    }
    _show(info, fmt, "token")


@token_app.command("clear")
def token_clear(ctx: typer.Context) -> None:
    """Forget the cached token (the next command fetches a new one)."""
    state = _state(ctx)
    try:
        settings = resolve_settings(state.profile, base_url=state.base_url, need_secret=False)
        anyio.run(FileTokenCache().clear, settings.cache_key)
    except Exception as exc:
        raise _fail(state, exc) from None
    typer.echo("cleared the cached token", err=True)


# --- demo ---------------------------------------------------------------------------------


@app.command()
def demo(
    ctx: typer.Context,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSONL file of the records.", dir_okay=False)
    ] = Path("amnimo-demo-inventory.jsonl"),
    scale: Annotated[float, typer.Option(min=0.01, max=20.0, help="Multiply the demo data sizes.")] = 1.0,
) -> None:
    """Sweep a local fake tenant (thousands of items) at the documented 5 requests/s; no credentials."""
    from ._demo import run_demo

    state = _state(ctx)
    console = _progress_console(state)
    try:
        run_demo(output, scale, console, _progress_enabled(state, console), _sweep, _summary_table)
    except (Exception, KeyboardInterrupt) as exc:
        raise _fail(state, exc) from None


def main(argv: Sequence[str] | None = None) -> None:
    """The console script ``amnimo``."""
    app(args=list(argv) if argv is not None else None, prog_name="amnimo")
