"""What every command runs on: the global options, the client built from the settings (here
only), and the event loop that runs a command's work, its errors turned into exit codes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import anyio
import attrs
import typer
from rich.console import Console

from amnimo_async import AsyncAmnimo, FileTokenCache, RateLimiter

from ._config import Settings, resolve_settings
from ._errors import fail
from ._output import stderr_console

__all__ = [
    "State",
    "call",
    "command_errors",
    "open_client",
    "progress_bars",
    "redis_url",
    "run",
    "run_loop",
    "settings",
    "setup_logging",
    "state",
]

T = TypeVar("T")


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
    redis_url: str | None = attrs.field(default=None, repr=False)  # it may hold a password


def state(ctx: typer.Context) -> State:
    found = ctx.find_root().obj
    return found if isinstance(found, State) else State()


def setup_logging(verbose: bool) -> None:
    """The SDK's log lines (already redacted by its own filter) to stderr; requests with -v."""
    level = logging.DEBUG if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("amnimo: %(levelname)s: %(message)s"))
    handler.setLevel(level)
    logger = logging.getLogger("amnimo_async")
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def settings(ctx: typer.Context, *, need_secret: bool = True) -> Settings:
    """The credentials and base URL the command connects with (see ``_config``)."""
    options = state(ctx)
    return resolve_settings(options.profile, base_url=options.base_url, need_secret=need_secret)


def open_client(options: State, connect: Settings, token_cache: FileTokenCache | None = None) -> AsyncAmnimo:
    """The client of a command: ``connect``'s credentials and the global options.

    Tokens live in the user's cache directory, shared by every run; or, sharing through Redis
    (``--redis-url``, else the profile's ``redis_url``, else ``AMNIMO_REDIS_URL``), in Redis (the
    file cache behind it) with the rate limit there too. A ``token_cache`` given (the demo's own
    fake) shares nothing: tokens there, and a limiter of the client's own."""
    extra: dict[str, Any] = {}
    if options.max_retries is not None:
        extra["max_retries"] = options.max_retries
    if options.timeout is not None:
        extra["timeout"] = options.timeout
    if token_cache is not None:
        extra.update(token_cache=token_cache, rate_limiter=RateLimiter())
    elif shared_through := redis_url(options, connect):
        extra["redis_url"] = shared_through
    else:
        extra["token_cache"] = FileTokenCache()  # the client gives it its secret to seal tokens with
    return AsyncAmnimo(connect.client_id, connect.secret_key, base_url=connect.base_url, **extra)


def redis_url(options: State, connect: Settings) -> str | None:
    """The Redis the command shares the token and the rate limit through: ``--redis-url``, else
    the profile's ``redis_url``, else ``AMNIMO_REDIS_URL``; None: none."""
    return options.redis_url or connect.redis_url or os.environ.get("AMNIMO_REDIS_URL", "").strip() or None


@contextlib.contextmanager
def command_errors(ctx: typer.Context) -> Iterator[None]:
    """Within it, an error ends the command: one line on stderr and the error's exit code."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except (Exception, KeyboardInterrupt) as exc:
        raise fail(exc, debug=state(ctx).debug) from None


def run(ctx: typer.Context, action: Callable[[AsyncAmnimo], Awaitable[T]]) -> T:
    """Run ``action`` with the command's client on an event loop (errors are the caller's)."""

    async def work() -> T:
        async with open_client(state(ctx), settings(ctx)) as amnimo:
            return await action(amnimo)

    return run_loop(work)


def run_loop(fn: Callable[[], Awaitable[T]]) -> T:
    """``await fn()`` on a new event loop; Ctrl-C raises KeyboardInterrupt on every Python."""
    try:
        return anyio.run(fn)
    except asyncio.CancelledError:
        # Ctrl-C: the event loop's runner cancels the command, then raises KeyboardInterrupt; on
        # Python 3.10 it cannot tell that cancellation from another and lets it out as it is.
        raise KeyboardInterrupt from None


def call(ctx: typer.Context, action: Callable[[AsyncAmnimo], Awaitable[T]]) -> T:
    """Run ``action`` with the command's client on an event loop; errors, the client's own
    (credentials, config) included, end the command."""
    with command_errors(ctx):
        return run(ctx, action)


def progress_bars(ctx: typer.Context) -> tuple[Console, bool]:
    """The console progress bars draw on (stderr) and whether to draw them: ``--progress``,
    ``--no-progress``, else only when stderr is a terminal."""
    wanted = state(ctx).progress
    console = stderr_console(force=True if wanted else None)
    return console, wanted if wanted is not None else console.is_terminal
