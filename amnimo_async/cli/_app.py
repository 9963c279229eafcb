"""The ``amnimo`` command: the global options and the rooms it is assembled from.

A command lives in its group's module (``cameras``, ``media``, ``devices``, ``stream``,
``token_cache``: each a Typer sub-app) or, for the top-level ones, in a module of its own; adding
a command to a group touches only that group's module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from . import accounts, cameras, demo, devices, inventory, media, stream, token_cache
from ._errors import EPILOG
from ._runtime import State, setup_logging

__all__ = ["app", "main"]

app = typer.Typer(
    name="amnimo",
    help="The amnimo API v1.7 from the shell (cameras, media, devices, streams, inventories).",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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
    redis_url: Annotated[
        str | None,
        typer.Option(
            "--redis-url",
            metavar="URL",
            show_default=False,
            help=(
                "Share the token and the rate limit of the client ID with every process using this "
                "Redis (redis://host:6379/0; needs amnimo-async[redis]) [else the profile's redis_url, "
                "else AMNIMO_REDIS_URL]. A URL with a password is better kept in the profile or the "
                "environment: a command line shows in ps."
            ),
        ),
    ] = None,
) -> None:
    ctx.obj = State(profile, base_url, verbose, debug, progress, max_retries, timeout, redis_url)
    setup_logging(verbose)


# The order here is the order of ``amnimo --help``.
for command in (inventory.inventory, accounts.hierarchy, demo.demo):
    app.command()(command)
for group in (cameras.app, media.app, devices.app, stream.app, token_cache.app):
    app.add_typer(group)


def main(argv: Sequence[str] | None = None) -> None:
    """The console script ``amnimo``."""
    app(args=list(argv) if argv is not None else None, prog_name="amnimo")
