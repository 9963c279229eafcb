"""FileTokenCache: a token cache on disk, shared by every process of the user.

The API allows 1,000 token calls a month per client ID; a command line tool that fetched a token
on every run would burn through that. This cache keeps the token (never the secret) in a file per
``base_url|client_id`` key under the user's cache directory, takes a cross-process lock while a
token is fetched (so N processes starting together make one token call), and counts the token
calls of the calendar month (UTC), warning at 80 % of the quota::

    from amnimo_async import AsyncAmnimo
    from amnimo_async._file_cache import FileTokenCache

    async with AsyncAmnimo(client_id, secret_key, token_cache=FileTokenCache()) as amnimo: ...

The client hands the cache its secret key (:meth:`FileTokenCache.bind_secret`), and the token is
sealed at rest with keys derived from it (:mod:`amnimo_async._token_seal`, which every cache
outside the process shares), so the file alone gives away no usable token. A file that does not
open with the secret at hand (another secret, altered, an older format) is a cache miss: never an
error, never sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs

from ._errors import UNDECODABLE_JSON
from ._logging import logger
from ._token_seal import derive_key, key_digest, open_sealed, seal
from ._tokens import Token

__all__ = ["DEFAULT_TOKEN_QUOTA", "FileTokenCache", "TokenUsage", "default_cache_directory"]

DEFAULT_TOKEN_QUOTA = 1000
"""Token calls the API allows per client ID per calendar month."""
WARN_RATIO = 0.8
_FORMAT = 2
_YEAR_10000 = 253_402_300_800.0  # epoch seconds of 10000-01-01: past what datetime can hold
_READABLE_FORMATS = (1, 2)  # format 1 held the token in clear: its month count is kept, its token never read
_POLL_INITIAL = 0.005
_POLL_MAX = 0.05


def default_cache_directory() -> Path:
    """``$XDG_CACHE_HOME/amnimo``, else ``~/.cache/amnimo``."""
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "amnimo"


def _month(clock: Callable[[], float]) -> str:
    return datetime.fromtimestamp(clock(), tz=timezone.utc).strftime("%Y-%m")


def _sealed_entry(data: dict[str, Any]) -> dict[str, Any] | None:
    """The token entry of a cache file in the current format, if it holds one."""
    entry = data.get("token") if data.get("format") == _FORMAT else None
    return entry if isinstance(entry, dict) else None


@attrs.frozen
class TokenUsage:
    """Token calls counted for one key in one calendar month (UTC, ``YYYY-MM``)."""

    month: str
    count: int
    quota: int

    @property
    def warn_at(self) -> int:
        """The count from which each new token logs a warning (80 % of the quota)."""
        return math.ceil(self.quota * WARN_RATIO)


class FileTokenCache:
    """A :class:`~amnimo_async.TokenCache` keeping tokens in files, safe across processes.

    ``directory`` overrides the default (``$XDG_CACHE_HOME/amnimo`` or ``~/.cache/amnimo``);
    it is created with mode 0700 and every file in it is written 0600, by atomic replace. File
    names are a hash of the key, so neither the client ID nor anything secret shows in them.
    ``quota`` is the monthly token allowance the warning is measured against.

    ``secret_key`` seals the tokens of every key (:meth:`bind_secret` gives one key its own);
    only keys derived from it are kept, never the secret. Without a secret for a key, its tokens
    are not written (the call still counts towards the month) and nothing is loaded for it.

    A corrupt or unreadable file is ignored with a warning (as if empty), never fatal.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        secret_key: str | None = None,
        quota: int = DEFAULT_TOKEN_QUOTA,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(quota, bool) or not isinstance(quota, int) or quota < 1:
            raise ValueError(f"quota must be a positive integer, got {quota!r}")
        self.directory = Path(directory) if directory is not None else default_cache_directory()
        self.quota = quota
        self._clock = clock
        self._local_locks: dict[str, asyncio.Lock] = {}
        self._default_prk = derive_key(secret_key) if secret_key else None
        self._prks: dict[str, bytes] = {}
        self._unsealed_warned: set[str] = set()

    def bind_secret(self, key: str, secret_key: str) -> None:
        """Seal the tokens of ``key`` with keys derived from ``secret_key`` (a client calls this
        with its own credentials, so one cache serves several client IDs)."""
        self._prks[key] = derive_key(secret_key)

    def _prk(self, key: str) -> bytes | None:
        return self._prks.get(key, self._default_prk)

    # --- paths ----------------------------------------------------------------------------

    def path(self, key: str) -> Path:
        """The file holding the token and usage of ``key``."""
        return self.directory / f"token-{key_digest(key)}.json"

    def lock_path(self, key: str) -> Path:
        """The file locked while a token of ``key`` is fetched."""
        return self.directory / f"token-{key_digest(key)}.lock"

    def _ensure_directory(self) -> None:
        if not self.directory.is_dir():
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.directory, 0o700)

    # --- reading and writing --------------------------------------------------------------

    def _read(self, key: str) -> dict[str, Any]:
        """The file's content, or ``{}`` when missing, unreadable or corrupt (with a warning)."""
        path = self.path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            logger.warning("token cache %s is unreadable (%s); ignoring it", path, type(exc).__name__)
            return {}
        try:
            data = json.loads(raw)
            if (
                not isinstance(data, dict)
                or data.get("format") not in _READABLE_FORMATS
                or data.get("key") != key
            ):
                raise ValueError("not a token cache file of this key")
        except UNDECODABLE_JSON:
            logger.warning("token cache %s is corrupt; ignoring it", path)
            return {}
        return data

    def _write(self, key: str, data: dict[str, Any]) -> None:
        """Replace the file atomically: write a 0600 temporary file beside it, then rename."""
        self._ensure_directory()
        path = self.path(key)
        fd, temporary = tempfile.mkstemp(prefix=".token-", suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(data, file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def _token(self, key: str, data: dict[str, Any]) -> Token | None:
        """The sealed token of the file, opened with the secret of ``key`` (None if it does not open)."""
        entry = _sealed_entry(data)
        prk = self._prk(key)
        return None if prk is None or entry is None else open_sealed(prk, key, entry)

    def _usage(self, data: dict[str, Any]) -> TokenUsage:
        month = _month(self._clock)
        usage = data.get("usage")
        count = 0
        if isinstance(usage, dict) and usage.get("month") == month:
            value = usage.get("count")
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                count = value
        return TokenUsage(month, count, self.quota)

    def _load_sync(self, key: str) -> Token | None:
        data = self._read(key)
        token = self._token(key, data)
        if data and data.get("token") is not None and token is None and self._prk(key) is not None:
            logger.warning(
                "token cache %s holds no token this secret key opens (another secret, an older "
                "format, or altered); ignoring it",
                self.path(key),
            )
        return token

    def _store_sync(self, key: str, token: Token) -> None:
        data = self._read(key)
        previous = self._token(key, data)
        usage = self._usage(data)
        if previous != token:
            usage = attrs.evolve(usage, count=usage.count + 1)
        prk = self._prk(key)
        if prk is not None:
            entry: Any = seal(prk, key, token)
        else:  # nothing to seal with: count the call, keep whatever sealed token is there
            entry = _sealed_entry(data)
            if key not in self._unsealed_warned:
                self._unsealed_warned.add(key)
                logger.warning(
                    "token cache %s: no secret key to seal tokens with, so they are not kept on disk "
                    "(use it through a client, which gives it the secret, or pass secret_key=)",
                    self.path(key),
                )
        self._write(key, self._document(key, entry, usage))
        if previous != token and usage.count >= usage.warn_at:
            logger.warning(
                "%d of %d token calls used this month (%s) for this client ID; "
                "at the quota the API refuses new tokens until next month",
                usage.count,
                usage.quota,
                usage.month,
            )

    def _clear_sync(self, key: str) -> None:
        if not self.path(key).exists():
            return
        data = self._read(key)
        self._write(key, self._document(key, None, self._usage(data)))

    @staticmethod
    def _document(key: str, entry: dict[str, Any] | None, usage: TokenUsage) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "key": key,
            "token": entry,
            "usage": {"month": usage.month, "count": usage.count},
        }

    # --- the TokenCache protocol ----------------------------------------------------------

    async def load(self, key: str) -> Token | None:
        """The cached token of ``key`` (fresh or not), or None."""
        return await asyncio.to_thread(self._load_sync, key)

    async def store(self, key: str, token: Token) -> None:
        """Keep ``token``; a token not already stored counts as a token call of this month."""
        await asyncio.to_thread(self._store_sync, key, token)

    async def clear(self, key: str) -> None:
        """Forget the token of ``key`` (its month count stays)."""
        await asyncio.to_thread(self._clear_sync, key)

    @contextlib.asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        """Hold the lock of ``key`` against this and every other process (``flock``).

        The lock is polled without blocking, with short async sleeps, so the event loop runs on
        while another process fetches a token.
        """
        local = self._local_locks.setdefault(key, asyncio.Lock())
        async with local:
            await asyncio.to_thread(self._ensure_directory)
            fd = os.open(self.lock_path(key), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                delay = _POLL_INITIAL
                while not _try_lock(fd):
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, _POLL_MAX)
                try:
                    yield
                finally:
                    _unlock(fd)
            finally:
                os.close(fd)

    # --- for people -----------------------------------------------------------------------

    def usage(self, key: str) -> TokenUsage:
        """This month's token calls of ``key`` and the quota."""
        return self._usage(self._read(key))

    def month_count(self, key: str) -> int:
        """Token calls of ``key`` counted this calendar month (UTC)."""
        return self.usage(key).count

    def cached_token(self, key: str) -> Token | None:
        """The cached token of ``key`` without awaiting, opened with its secret."""
        return self._load_sync(key)

    def expiry(self, key: str) -> float | None:
        """When the token kept for ``key`` expires (epoch seconds), read without the secret and
        without checking the seal: for status displays only."""
        entry = _sealed_entry(self._read(key))
        value = entry.get("expires_at") if entry is not None else None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        # A damaged file may hold any number: only a time a datetime can show is an expiry.
        return float(value) if 0 <= value < _YEAR_10000 else None

    def __repr__(self) -> str:
        return f"<FileTokenCache directory={str(self.directory)!r} quota={self.quota}>"


if sys.platform == "win32":  # pragma: no cover - no flock: the lock holds within one process only

    def _try_lock(fd: int) -> bool:
        return True

    def _unlock(fd: int) -> None:
        return None

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
