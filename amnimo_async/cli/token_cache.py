"""``amnimo token ...``: the access token cached on disk for every run (status, clear), and in
Redis when the command shares it (``--redis-url``)."""

from __future__ import annotations

from datetime import datetime, timezone

import typer

from amnimo_async import ConfigurationError, FileTokenCache

from ._options import ShowFormat, ShowOption
from ._output import show
from ._runtime import command_errors, redis_url, run_loop, settings, state

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
    """Forget the cached token, on disk and in Redis when shared (the next command fetches a new one)."""
    with command_errors(ctx):
        connect = settings(ctx, need_secret=False)
        shared = redis_url(state(ctx), connect)
        run_loop(lambda: _clear(connect.cache_key, shared))
    typer.echo("cleared the cached token" + (" (and in Redis)" if shared else ""), err=True)


async def _clear(key: str, shared: str | None) -> None:
    """Forget the token on disk, then in the Redis at ``shared`` (None: not shared)."""
    await FileTokenCache().clear(key)
    if shared is not None:
        await _clear_in_redis(shared, key)


async def _clear_in_redis(url: str, key: str) -> None:
    try:
        from amnimo_async.redis import RedisTokenCache
    except ImportError:
        raise ConfigurationError(
            "the token is shared through Redis: clearing it needs the [redis] extra "
            "(pip install 'amnimo-async[redis]')"
        ) from None
    cache = RedisTokenCache.from_url(url)
    try:
        await cache.clear(key)
        if not cache.link.up:
            # The URL is not shown: it may hold a password.
            raise RuntimeError(f"Redis at {cache.link.where} did not answer: the token there is not cleared")
    finally:
        await cache.aclose()
