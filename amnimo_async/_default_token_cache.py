"""Which token cache a client uses when it is given none: one that outlives the process.

The API allows 1,000 token calls a month per client ID, and a script run from cron every five
minutes would spend 8,640 if each run fetched its own token. So, unless ``token_cache=`` says
otherwise, ``AMNIMO_TOKEN_CACHE`` decides:

- ``memory``: an :class:`InMemoryTokenCache` (the token lives as long as the client);
- a ``redis://``, ``rediss://`` or ``unix://`` URL: the ``[redis]`` extra's cache, shared by a
  fleet, falling back to the file cache below when Redis is away;
- any other value: a directory for a :class:`FileTokenCache`;

and when it is unset, a :class:`FileTokenCache` in the user cache directory
(``$XDG_CACHE_HOME/amnimo`` or ``~/.cache/amnimo``). Where that directory cannot be created or
written (a read-only container, no home), tokens are kept in memory, with one warning a process.

A client sharing through Redis (``redis_url=``, ``AMNIMO_REDIS_URL``) keeps its tokens there, and
in :func:`fallback_token_cache` while Redis is away.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ._errors import ConfigurationError
from ._file_cache import FileTokenCache, default_cache_directory
from ._logging import logger
from ._tokens import InMemoryTokenCache, TokenCache

ENVIRONMENT_VARIABLE = "AMNIMO_TOKEN_CACHE"
MEMORY = "memory"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
REDIS_MODULE = "amnimo_async._redis_token_cache"

_warned_in_memory = False


def default_token_cache() -> TokenCache:
    """The token cache for a client given none (see the module's docstring)."""
    choice = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if choice.lower().startswith(REDIS_SCHEMES):
        return redis_token_cache(choice, fallback=user_cache_or_memory)
    return fallback_token_cache()


def fallback_token_cache() -> TokenCache:
    """The cache that keeps tokens off Redis: ``AMNIMO_TOKEN_CACHE``'s ``memory`` or directory,
    else (unset, or itself a Redis URL) the user cache directory's file cache, or memory."""
    choice = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if choice.lower() == MEMORY:
        return InMemoryTokenCache()
    if choice and not choice.lower().startswith(REDIS_SCHEMES):
        directory = Path(choice).expanduser().absolute()
        problem = _unwritable(directory)
        if problem is not None:
            raise ConfigurationError(
                f"{ENVIRONMENT_VARIABLE} names {str(directory)!r} for the token cache, but it cannot "
                f"be used as a directory ({problem}); set it to a writable directory, to "
                f"{MEMORY!r}, or to a redis:// URL"
            )
        return FileTokenCache(directory)
    return user_cache_or_memory()


def redis_token_cache(url: str, *, fallback: Callable[[], TokenCache]) -> TokenCache:
    """The ``[redis]`` extra's token cache on ``url``, which falls back to ``fallback()`` while
    Redis cannot be reached (the one place a client builds it from a URL)."""
    try:
        module = importlib.import_module(REDIS_MODULE)
    except ImportError:
        # The URL is not repeated: it may hold a password.
        raise ConfigurationError(
            "a token cache on Redis needs the [redis] extra: pip install 'amnimo-async[redis]' "
            f"(or choose another cache: token_cache=, or {ENVIRONMENT_VARIABLE}={MEMORY} or a directory)"
        ) from None
    cache: TokenCache = module.RedisTokenCache.from_url(url, fallback=fallback())
    return cache


def user_cache_or_memory() -> TokenCache:
    """A :class:`FileTokenCache` in the user cache directory if it can be created and written,
    else an :class:`InMemoryTokenCache` (with one warning a process saying why)."""
    global _warned_in_memory
    directory: Path | None = None
    try:
        directory = default_cache_directory()
        problem = _unwritable(directory)
    except RuntimeError as exc:  # Path.home() with no HOME and no passwd entry
        problem = str(exc)
    if problem is None and directory is not None:
        return FileTokenCache(directory)
    if not _warned_in_memory:
        _warned_in_memory = True
        logger.warning(
            "no writable directory for the token cache (%s: %s), so tokens are kept in memory and "
            "each process fetches its own (the API allows 1,000 token calls a month per client "
            "ID); choose a cache with token_cache= or %s=DIRECTORY (or %s, or a redis:// URL)",
            directory if directory is not None else "the user cache directory",
            problem,
            ENVIRONMENT_VARIABLE,
            MEMORY,
        )
    return InMemoryTokenCache()


def _unwritable(directory: Path) -> str | None:
    """Why a token cache cannot live in ``directory`` (created 0700 if missing), or None if it can."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"{type(exc).__name__}: {exc.strerror or exc}"
    return None
