"""The package's public names: listed once in ``amnimo_async/__init__.py`` (``import X as X``),
``__all__`` derived from them, each importable, and what a type checker sees the same."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import amnimo_async

INIT = Path(amnimo_async.__file__)

# The public surface as it stood before the names were listed once (design.md: add, don't rename).
STABLE = {
    "DEFAULT_BASE_URL", "APIConnectionError", "APIStatusError", "APITimeoutError", "Account",
    "ActivationStatus", "Amnimo", "AmnimoError", "AsyncAmnimo", "AuthenticationError",
    "BadRequestError", "Camera", "CameraPage", "CameraStatus", "CameraThumbnail",
    "ConfigurationError", "DeviceExternalDevices", "ErrorDetail", "ExternalDevice",
    "ExternalDeviceList", "ExternalDevicePage", "ExternalDeviceStatus", "FileTokenCache",
    "HistorySpan", "HlsResult", "HlsSession", "InMemoryTokenCache", "Inventory", "InventoryRecord",
    "InventorySummary", "LinkStatus", "ListSummary", "Media", "MediaCategory", "MediaMeta",
    "MediaSource", "MediaStatus", "MediaType", "MediaUser", "NotFoundError", "PageSummary",
    "Paginator", "Peripheral", "PeripheralList", "PermissionDeniedError", "PortAction",
    "PortOperationResult", "Progress", "RateLimitError", "RateLimiter", "RecordingStatus",
    "Response", "ResponseValidationError", "RetryPolicy", "ServerError", "SortDirection",
    "SweepError", "Thumbnail", "ThumbnailList", "Token", "TokenCache", "TokenGrant",
    "ValidationError",
}  # fmt: skip
# Added for the command line, which uses only the public package.
ADDED = {"TokenUsage", "default_cache_directory", "status_error_class", "structure", "unstructure"}
# The typed sync client's paginator and inventory, for users' annotations.
ADDED |= {"SyncInventory", "SyncPaginator"}
# The flows (issue 15): what they return, and their errors.
ADDED |= {"LiveSession", "SyncLiveSession", "Export", "Gap"}
ADDED |= {
    "DownloadSizeMismatchError", "ExportError", "LiveSessionEndedError", "MediaFailedError",
    "MediaNotReadyError", "MediaTimeoutError", "PortResetTimeoutError",
}  # fmt: skip
# Fleets (issue 13): the limiter protocol, and the key a client ID's token is cached under (which
# the command shows). The Redis pieces live in amnimo_async.redis, never at the top level.
ADDED |= {"Limiter", "token_cache_key"}
REDIS_NAMES = {"RedisTokenCache", "RedisRateLimiter", "fleet_backends"}


def public_bindings() -> dict[str, ast.stmt]:
    """Every public name ``__init__.py`` binds at module level, with the statement binding it."""
    bound: dict[str, ast.stmt] = {}
    for node in ast.parse(INIT.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.asname or alias.name.partition(".")[0] for alias in node.names]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [target.id for target in targets if isinstance(target, ast.Name)]
        else:
            continue
        bound.update((name, node) for name in names if not name.startswith("_"))
    return bound


def test_all_is_every_public_name_bound_in_init() -> None:
    assert set(amnimo_async.__all__) == set(public_bindings())
    assert len(amnimo_async.__all__) == len(set(amnimo_async.__all__))


def test_every_public_name_is_an_explicit_reexport() -> None:
    # ``from ._x import Name as Name``: a type checker in strict mode exports exactly these.
    implicit = [
        name
        for name, node in public_bindings().items()
        if not (
            isinstance(node, ast.ImportFrom)
            and node.level == 1
            and any(alias.name == alias.asname == name for alias in node.names)
        )
    ]
    assert implicit == []


def test_the_public_names_stay_and_grow() -> None:
    assert set(amnimo_async.__all__) == STABLE | ADDED


@pytest.mark.parametrize("name", sorted(STABLE | ADDED))
def test_each_name_is_importable(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from amnimo_async import {name}", namespace)
    assert namespace[name] is getattr(amnimo_async, name)
    assert not name.startswith("_")


def test_star_import_brings_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from amnimo_async import *", namespace)
    namespace.pop("__builtins__")
    assert set(namespace) == set(amnimo_async.__all__)  # no submodule (``api``) comes along


def test_mypy_strict_sees_the_same_names(tmp_path: Path) -> None:
    program = tmp_path / "user_program.py"
    program.write_text(
        textwrap.dedent(
            """
            from amnimo_async import *
            from amnimo_async import AsyncAmnimo as Named, TokenUsage, default_cache_directory

            async def main() -> None:
                async with AsyncAmnimo("id", "secret") as amnimo:
                    page: CameraPage = await amnimo.cameras.list("sub")
                    print(page.total, unstructure(page), Named, default_cache_directory())
                usage: TokenUsage = FileTokenCache().usage("key")
                print(usage.count, NotFoundError, status_error_class(404))
                print(api)  # a submodule: not a star-imported name
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(program)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert errors == [f'{program}:11: error: Name "api" is not defined  [name-defined]'], done.stdout


def test_the_redis_pieces_are_in_their_own_module_only() -> None:
    import amnimo_async.redis

    assert set(amnimo_async.redis.__all__) == REDIS_NAMES
    for name in REDIS_NAMES:
        assert getattr(amnimo_async.redis, name).__module__.startswith("amnimo_async._redis")
        assert name not in amnimo_async.__all__


def test_the_flow_errors_are_amnimo_errors() -> None:
    flow_errors = [
        amnimo_async.DownloadSizeMismatchError,
        amnimo_async.ExportError,
        amnimo_async.LiveSessionEndedError,
        amnimo_async.MediaFailedError,
        amnimo_async.MediaNotReadyError,
        amnimo_async.MediaTimeoutError,
        amnimo_async.PortResetTimeoutError,
    ]
    assert all(issubclass(error, amnimo_async.AmnimoError) for error in flow_errors)
    assert issubclass(amnimo_async.MediaTimeoutError, TimeoutError)
    assert issubclass(amnimo_async.PortResetTimeoutError, TimeoutError)
