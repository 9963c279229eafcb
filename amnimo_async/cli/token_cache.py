"""``amnimo token ...``: the access token cached on disk for every run (status, clear)."""

from __future__ import annotations

from datetime import datetime, timezone

import anyio
import typer

from amnimo_async import FileTokenCache

from ._options import ShowFormat, ShowOption
from ._output import show
from ._runtime import command_errors, settings

__all__ = ["app"]

app = typer.Typer(name="token", help="The cached access token.", no_args_is_help=True)


@app.command("status")
def status(ctx: typer.Context, fmt: ShowOption = ShowFormat.table) -> None:
    """The cached token's expiry and this month's token calls (no request is made)."""
    with command_errors(ctx):
        connect = settings(ctx, need_secret=False)
        cache = FileTokenCache()  # the expiry is readable without the secret; the token is not
        expires_at = cache.expiry(connect.cache_key)
        usage = cache.usage(connect.cache_key)
    now = datetime.now(timezone.utc)
    expires = datetime.fromtimestamp(expires_at, timezone.utc) if expires_at is not None else None
    info = {
        "clientId": connect.client_id,
        "baseUrl": connect.base_url,
        "credentials": connect.source,
        "cacheFile": str(cache.path(connect.cache_key)),
        "token": "none" if expires is None else ("valid" if expires > now else "expired"),
        "expiresAt": expires.isoformat() if expires else None,
        "expiresInSeconds": int((expires - now).total_seconds()) if expires else None,
        "month": usage.month,
        "tokenCallsThisMonth": usage.count,
        "monthlyQuota": usage.quota,
    }
    show(info, fmt.value, "token")


@app.command("clear")
def clear(ctx: typer.Context) -> None:
    """Forget the cached token (the next command fetches a new one)."""
    with command_errors(ctx):
        anyio.run(FileTokenCache().clear, settings(ctx, need_secret=False).cache_key)
    typer.echo("cleared the cached token", err=True)
