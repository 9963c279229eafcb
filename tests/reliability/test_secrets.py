"""Secrets never leak (#7): the client secret, its Basic header and every access token issued.

Broad scenarios run against the fake over loopback with every logger at DEBUG; every log record
(message, formatted record with its traceback, arguments), every exception (str, repr, args,
attributes, chain, traceback), the ``repr`` of everything a user holds, whatever reached
stdout/stderr and every file the SDK or the ``amnimo`` command wrote are scanned for the needles:
the secret keys, the Basic header values and their base64, and each token the fake issued (from
the fake's own registry), whole and cut: 16-character windows every 8 characters catch any piece
of 23 characters or more (a truncated answer keeps most of a token).
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import stat
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from amnimo_async import (
    Amnimo,
    APIConnectionError,
    AsyncAmnimo,
    AuthenticationError,
    InMemoryTokenCache,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    Token,
)
from amnimo_async._file_cache import FileTokenCache
from amnimo_async.api.auth import issue_token
from amnimo_async.api.cameras import get_camera, list_cameras
from amnimo_async.testing import FakeAmnimo, Fault, ManualClock

from ..cli.conftest import PROFILE, environment
from ..integration.conftest import Connect, Serve, at

WINDOW = 16
"""Windows this long (one every 8 characters, and the last) are needles too: a cut token is a leak."""
LOGGERS = ("amnimo_async", "httpx", "httpcore", "uvicorn", "uvicorn.error", "asyncio", "py.warnings")
UNKNOWN = str(uuid.UUID(int=0x5EC2E7))


# --- needles and the scanner ---------------------------------------------------------------


@attrs.frozen
class Needle:
    """A value that must not appear; ``label`` names it in reports (never the value itself)."""

    label: str
    value: str = attrs.field(repr=False)
    whole: bool = True


def needles_for(label: str, value: str) -> list[Needle]:
    """``value`` and its fragments of :data:`WINDOW` characters."""
    found = [Needle(label, value)]
    if len(value) > WINDOW:
        starts = sorted({*range(0, len(value) - WINDOW + 1, WINDOW // 2), len(value) - WINDOW})
        found += [Needle(f"{label} [{i}:{i + WINDOW}]", value[i : i + WINDOW], False) for i in starts]
    return found


def credential_needles(name: str, client_id: str, secret_key: str) -> list[Needle]:
    basic = base64.b64encode(f"{client_id}:{secret_key}".encode()).decode("ascii")
    return [
        *needles_for(f"{name} secret key", secret_key),
        Needle(f"{name} Basic header", f"Basic {basic}"),
        *needles_for(f"{name} Basic credentials (base64)", basic),
    ]


def fake_needles(fake: FakeAmnimo, *extra_tokens: str) -> list[Needle]:
    """The credentials of every client of ``fake`` and every token it issued, plus ``extra_tokens``."""
    found: list[Needle] = []
    for number, client in enumerate(fake.clients.values()):
        found += credential_needles(f"client {number}", client.client_id, client.secret_key)
    for number, token in enumerate([*fake.issued_tokens(), *extra_tokens]):
        found += needles_for(f"token {number}", token)
    return found


class Corpus:
    """Everything that left the SDK as text, each piece with where it came from."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []

    def add(self, where: str, text: str) -> None:
        self.entries.append((where, text))

    def add_repr(self, where: str, *objects: object) -> None:
        for number, item in enumerate(objects):
            self.add(f"repr {where} #{number}", repr(item))
            self.add(f"str {where} #{number}", str(item))

    def add_exception(self, where: str, exc: BaseException) -> None:
        self.add(f"traceback of {where}", "".join(traceback.format_exception(exc)))
        seen: set[int] = set()
        pending = [exc]
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            name = f"{where} ({type(current).__name__})"
            self.add(f"str of {name}", str(current))
            self.add(f"repr of {name}", repr(current))
            self.add(f"args of {name}", repr(current.args))
            self.add(f"attributes of {name}", repr(vars(current)))
            self.add(f"notes of {name}", repr(getattr(current, "__notes__", None)))
            pending += [e for e in (current.__cause__, current.__context__) if e is not None]
            pending += list(getattr(current, "exceptions", ()))

    def add_files(self, where: str, *directories: Path) -> list[Path]:
        """Every file under ``directories`` (bytes decoded leniently); returns the files."""
        files = sorted(p for d in directories if d.exists() for p in d.rglob("*") if p.is_file())
        for path in files:
            self.add(f"{where} file {path.name}", path.read_bytes().decode("utf-8", "replace"))
            self.add(f"{where} file name", str(path))
        return files

    def hits(self, needles: list[Needle]) -> list[tuple[str, str]]:
        """(where, needle label) of every needle found."""
        return [(where, n.label) for where, text in self.entries for n in needles if n.value in text]


def assert_no_leak(corpus: Corpus, needles: list[Needle]) -> None:
    """No needle anywhere (that the scan can find one is shown by
    ``test_the_scanner_finds_whole_and_cut_needles``)."""
    assert needles
    assert any(n.label.startswith("token") for n in needles)
    leaks = sorted({f"{where}: {label}" for where, label in corpus.hits(needles)})
    assert leaks == [], "secrets leaked (needle labels only):\n" + "\n".join(leaks)


class Capture(logging.Handler):
    """Keeps every record as text at emit time: message, formatted record, msg and args."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        self.texts: list[tuple[str, str]] = []
        self.messages: list[str] = []
        self.loggers: set[str] = set()
        self.persistent: list[logging.Handler] = []  # on the root logger before the test
        self.displaced: list[logging.Handler] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.loggers.add(record.name)
        self.messages.append(record.getMessage())
        where = f"log record of {record.name}"
        self.texts += [
            (where, record.getMessage()),
            (where, self.format(record)),  # with the exc_info and stack_info text
            (where, repr(record.msg)),
            (where, repr(record.args)),
        ]

    def take_root(self) -> None:
        """Be the root logger's only handler: pytest's own (added when the test body starts)
        would print a leak it is asked to find. The ``logs`` fixture puts back those that were
        there before the test."""
        root = logging.getLogger()
        self.displaced = [handler for handler in root.handlers if handler in self.persistent]
        root.handlers[:] = [self]


@pytest.fixture
def logs() -> Iterator[Capture]:
    """The root logger and every logger that matters at DEBUG, every record captured; the test
    calls :meth:`Capture.take_root` first."""
    capture = Capture()
    root = logging.getLogger()
    saved_level, capture.persistent = root.level, root.handlers[:]
    saved = {name: (logging.getLogger(name).level, logging.getLogger(name).propagate) for name in LOGGERS}
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).propagate = True
    logging.captureWarnings(True)
    try:
        yield capture
    finally:
        logging.captureWarnings(False)
        root.setLevel(saved_level)
        root.removeHandler(capture)
        for handler in capture.displaced:
            if handler not in root.handlers:
                root.addHandler(handler)
        for name, (level, propagate) in saved.items():
            logging.getLogger(name).setLevel(level)
            logging.getLogger(name).propagate = propagate


def assert_absent(value: str, text: str, what: str) -> None:
    """``value`` is not in ``text``, checked without pytest printing either on failure."""
    found = value in text
    assert not found, f"{what} found"


def assert_debug_logs_seen(capture: Capture) -> None:
    """The capture is not vacuous: the SDK's and httpx's DEBUG records arrived."""
    assert {"amnimo_async", "httpx"} <= capture.loggers
    assert any(name.startswith("httpcore") for name in capture.loggers)
    assert any("/oauth2/token" in text for _, text in capture.texts)


async def expect(
    corpus: Corpus, kind: type[BaseException], call: Awaitable[Any], where: str
) -> BaseException:
    """Await ``call``, which must raise ``kind``; the exception goes to the corpus."""
    with pytest.raises(kind) as info:
        await call
    corpus.add_exception(where, info.value)
    return info.value


def assert_private(directory: Path) -> list[Path]:
    """Every file under the cache directory is 0600 and every directory 0700."""
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    paths = list(directory.rglob("*"))
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path.name
    return paths


def assert_sealed_documents(directory: Path) -> None:
    """Each token file holds its key, a sealed token and a month count: nothing else."""
    documents = [json.loads(p.read_text()) for p in directory.glob("token-*.json")]
    assert documents
    for document in documents:
        assert set(document) == {"format", "key", "token", "usage"}
        assert set(document["usage"]) == {"month", "count"}
        assert set(document["token"]) == {"token_type", "issued_at", "expires_at", "sealed"}


# --- the scanner proves it can fail -----------------------------------------------------------


def test_the_scanner_finds_whole_and_cut_needles(tmp_path: Path) -> None:
    token = secrets.token_urlsafe(32)
    needles = [
        *credential_needles("client", "client-id-1", "s3cret-key-0123456789abcdef"),
        *needles_for("token", token),
    ]
    assert sum(1 for n in needles if not n.whole) >= 8
    (tmp_path / "leaky.json").write_text(json.dumps({"snippet": token[5:29]}))
    corpus = Corpus()
    corpus.add("clean", "nothing to see: Basic [redacted], Bearer [redacted], client-id-1")
    corpus.add(
        "whole",
        f"Authorization: Basic {base64.b64encode(b'client-id-1:s3cret-key-0123456789abcdef').decode()}",
    )
    corpus.add_files("tmp", tmp_path)
    hits = corpus.hits(needles)
    assert {where for where, _ in hits} == {"whole", "tmp file leaky.json"}
    assert ("whole", "client Basic header") in hits
    assert any(label.startswith("token [") for where, label in hits if where == "tmp file leaky.json")
    with pytest.raises(AssertionError, match="secrets leaked"):
        assert_no_leak(corpus, needles)


def scan_what_was_left(
    corpus: Corpus, cache_dir: Path, logs: Capture, capsys: pytest.CaptureFixture[str]
) -> None:
    """Add what a client run leaves behind to ``corpus``: the token cache (checked sealed and
    private first), the process's output and every log record (checked to include DEBUG ones)."""
    assert_sealed_documents(cache_dir)
    assert_private(cache_dir)
    corpus.add_files("token cache", cache_dir)
    captured = capsys.readouterr()
    corpus.add("stdout", captured.out)
    corpus.add("stderr", captured.err)
    corpus.entries += logs.texts
    assert_debug_logs_seen(logs)


# --- the async client through every path -------------------------------------------------------


async def test_async_client_leaks_nothing(
    serve: Serve,
    connect: Connect,
    clock: ManualClock,
    logs: Capture,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    logs.take_root()
    server = serve()
    world = server.world
    corpus = Corpus()
    cache_dir = tmp_path / "cache"
    key = f"{server.base_url}|{server.client_id}"
    now = clock()

    # A token the server never issued, sealed in the cache: the first call gets 401 and refreshes.
    bogus = "bogus-" + secrets.token_urlsafe(30)
    cache = FileTokenCache(cache_dir, secret_key=server.secret_key, clock=clock)
    await cache.store(key, Token(bogus, issued_at=time.time(), expires_at=time.time() + 3600))
    amnimo: AsyncAmnimo = connect(server, token_cache=cache)
    sub, other = server.subscription_ids[0], server.subscription_ids[1]
    camera_id = world.camera_id(sub, 0)
    device_id = world.device_id(sub, 0)
    results: list[object] = []

    # Every operation once (the token call too, directly).
    results.append(await amnimo.accounts.hierarchy(server.account_id))
    assert server.journal.count(status=401) == 1  # the bogus token was refused, then replaced
    results.append(await issue_token.asyncio(amnimo))
    results.append(await issue_token.asyncio_detailed(amnimo))
    results.append(await amnimo.cameras.list(sub))
    results.append(await amnimo.cameras.get(sub, camera_id))
    results.append(await get_camera.asyncio_detailed(amnimo, sub, camera_id))
    results.append(
        await amnimo.cameras.thumbnails(sub, camera_id, start_time=at(now - 3600), end_time=at(now))
    )
    results.append(
        await amnimo.cameras.history(sub, camera_id, start_time=at(now - 86_400), end_time=at(now))
    )
    hls = await amnimo.streams.start_hls(sub, camera_id, dt="live", keep_alive_period=60)
    results += [hls, await amnimo.streams.update_hls(sub, camera_id, hls.request_id)]
    results.append(await amnimo.streams.stop_hls(sub, camera_id, hls.request_id))
    created = await amnimo.media.create(
        sub, camera_id, category="CLIP", start_time=at(now - 600), end_time=at(now - 570), name="secret scan"
    )
    results += [created, await amnimo.media.search(sub), await amnimo.media.search(sub, camera_id)]
    results += [
        await amnimo.media.get(sub, created.id),
        await amnimo.media.rename(sub, created.id, "renamed"),
    ]
    results.append(await amnimo.media.delete(sub, created.id))
    results.append(await amnimo.devices.list_external(sub))
    results.append(await amnimo.devices.external(sub, device_id))
    results.append(await amnimo.devices.peripherals(sub, device_id))
    results.append(await amnimo.devices.operate_port(sub, device_id, "POE1", action=1))
    results.append(await list_cameras.asyncio_detailed(amnimo, sub, size=3))

    # Expired tokens: 403 "expired", one refresh.
    server.expire_all_tokens()
    results.append(await amnimo.cameras.get(sub, camera_id))
    assert amnimo.transport.stats.refreshes == 2

    # Real 403 and 404.
    await expect(corpus, PermissionDeniedError, amnimo.cameras.list(world.foreign_subscription_id), "403")
    await expect(corpus, NotFoundError, amnimo.cameras.get(sub, UNKNOWN), "404")
    await expect(corpus, NotFoundError, amnimo.cameras.get_many(sub, [camera_id, UNKNOWN]), "get_many 404")

    # 429s, 5xx, resets and malformed answers: retried through, then past the retry budget.
    server.faults.add(Fault(route="listCameras", kind="rate_limit", times=2))
    server.faults.add(Fault(route="getCamera", kind="status", status=503, times=1))
    server.faults.add(Fault(route="listPeripherals", kind="reset", times=1))
    server.faults.add(Fault(route="getHierarchy", kind="reset_mid_body", times=1))
    results.append(await amnimo.cameras.list(sub, size=5))
    results.append(await amnimo.cameras.get(sub, camera_id))
    results.append(await amnimo.devices.peripherals(sub, device_id))
    results.append(await amnimo.accounts.hierarchy(server.account_id))
    server.faults.clear()
    for route, fault, error in (
        ("listCameras", Fault(kind="rate_limit"), RateLimitError),
        ("getCamera", Fault(kind="status", status=502), ServerError),
        ("listPeripherals", Fault(kind="reset"), APIConnectionError),
        ("getHierarchy", Fault(kind="malformed"), ResponseValidationError),
        ("searchSubscriptionMedia", Fault(kind="truncate"), ResponseValidationError),
    ):
        server.faults.add(attrs.evolve(fault, route=route, times=6))
        call = {
            "listCameras": lambda: amnimo.cameras.list(sub),
            "getCamera": lambda: amnimo.cameras.get(sub, camera_id),
            "listPeripherals": lambda: amnimo.devices.peripherals(sub, device_id),
            "getHierarchy": lambda: amnimo.accounts.hierarchy(server.account_id),
            "searchSubscriptionMedia": lambda: amnimo.media.search(sub),
        }[route]
        await expect(corpus, error, call(), f"{route} {fault.kind}")
        server.faults.clear()

    # Failing token calls, each on a client that has no token yet.
    for fault, error in (
        (Fault(kind="status", status=500), ServerError),
        (Fault(kind="malformed"), ResponseValidationError),
        (Fault(kind="truncate"), ResponseValidationError),  # the fake issued each token, then cut it
        (Fault(kind="reset_mid_body"), APIConnectionError),
        (Fault(kind="status", status=500, processed=True), ServerError),
    ):
        server.faults.add(attrs.evolve(fault, route="issueToken", times=6))
        fresh: AsyncAmnimo = connect(server, token_cache=InMemoryTokenCache())
        await expect(corpus, error, fresh.cameras.list(sub), f"token call {fault.kind}")
        corpus.add_repr("client after a failed token call", fresh, fresh.transport, fresh.transport.tokens)
        server.faults.clear()

    # Wrong secret: 401 on the token call.
    wrong = "wrong-secret-" + secrets.token_urlsafe(24)
    async with AsyncAmnimo(server.client_id, wrong, base_url=server.base_url, rate=None) as stranger:
        await expect(corpus, AuthenticationError, stranger.cameras.list(sub), "wrong secret")
        corpus.add_repr("wrong-secret client", stranger, stranger.transport, stranger.transport.credentials)

    # Paginators and an inventory sweep (with one list failing into an error record).
    results.append([c async for c in amnimo.cameras.iter(sub, size=7)])
    results.append([p async for p in amnimo.cameras.iter(other, size=5).pages()])
    results.append([m async for m in amnimo.media.iter(sub, page_size=10)])
    results.append([d async for d in amnimo.devices.iter_external(sub, size=2)])
    results.append(await amnimo.cameras.get_many(sub, [world.camera_id(sub, i) for i in range(15)]))
    server.faults.add(Fault(route="listExternalDevices", kind="status", status=503))
    progress: list[object] = []
    sweep = amnimo.inventory(server.account_id, on_progress=progress.append)
    records = [record async for record in sweep]
    server.faults.clear()
    assert any(record.kind == "error" for record in records)
    for record in records:
        if record.kind == "error":
            corpus.add_exception("inventory error record", record.item.error)  # type: ignore[union-attr]
    results += [records, sweep, sweep.summary, progress]

    transport = amnimo.transport
    corpus.add_repr("result", *results)
    corpus.add_repr(
        "client parts",
        amnimo,
        transport,
        transport.credentials,
        transport.tokens,
        transport.tokens._token,
        transport.stats,
        transport.limiter,
        transport.retry,
        cache,
        cache.cached_token(key),
        amnimo.accounts,
        amnimo.cameras,
        amnimo.media,
        amnimo.devices,
        amnimo.streams,
        amnimo.cameras.iter(sub),
    )
    await amnimo.aclose()

    tokens = server.fake.issued_tokens()
    # 4 for the client (first, after the 401, 2 direct, 1 after expiry), 6 truncated, 6 cut
    # mid-body, 6 processed then lost; retries may add more.
    assert len(tokens) >= 22
    scan_what_was_left(corpus, cache_dir, logs, capsys)
    assert any(where.startswith("traceback of token call truncate") for where, _ in corpus.entries)
    assert_no_leak(
        corpus, [*fake_needles(server.fake, bogus), *credential_needles("wrong", server.client_id, wrong)]
    )


# --- the sync client ---------------------------------------------------------------------------


def test_sync_client_leaks_nothing(
    serve: Serve, logs: Capture, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.take_root()
    server = serve()
    corpus = Corpus()
    sub = server.subscription_ids[0]
    cache_dir = tmp_path / "cache"
    cache = FileTokenCache(cache_dir, secret_key=server.secret_key)
    with Amnimo(
        server.client_id, server.secret_key, base_url=server.base_url, rate=None, token_cache=cache
    ) as amnimo:
        results: list[object] = [
            amnimo.accounts.hierarchy(server.account_id),
            amnimo.cameras.list(sub, size=4),
        ]
        results.append(list_cameras.sync(amnimo, sub, size=2))
        results.append(get_camera.sync_detailed(amnimo, sub, server.world.camera_id(sub, 1)))
        server.expire_all_tokens()
        results.append(list(amnimo.cameras.iter(sub, size=6)))
        sweep = amnimo.inventory(server.account_id, include="cameras,devices")
        results += [list(sweep), sweep]
        with pytest.raises(NotFoundError) as info:
            amnimo.cameras.get(sub, UNKNOWN)
        corpus.add_exception("sync 404", info.value)
        corpus.add_repr("sync results", *results)
        corpus.add_repr("sync client", amnimo, amnimo.cameras, amnimo.inventory, amnimo.run(_transport_parts))
    wrong = "wrong-secret-" + secrets.token_urlsafe(24)
    with Amnimo(server.client_id, wrong, base_url=server.base_url, rate=None, max_retries=0) as stranger:
        with pytest.raises(AuthenticationError) as refused:
            stranger.cameras.list(sub)
        corpus.add_exception("sync wrong secret", refused.value)
        corpus.add_repr("sync wrong-secret client", stranger)

    assert server.journal.tokens_issued == 2  # the first, and one after the expiry
    scan_what_was_left(corpus, cache_dir, logs, capsys)
    assert_no_leak(
        corpus, [*fake_needles(server.fake), *credential_needles("wrong", server.client_id, wrong)]
    )


async def _transport_parts(client: AsyncAmnimo) -> tuple[object, ...]:
    transport = client.transport
    return (transport, transport.credentials, transport.tokens, transport.tokens._token)


# --- the amnimo command ------------------------------------------------------------------------

BOOT = """\
import logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")
logging.captureWarnings(True)
for name in ("httpx", "httpcore", "asyncio", "amnimo_async"):
    logging.getLogger(name).setLevel(logging.DEBUG)
from amnimo_async.cli import main
main(sys.argv[1:])
"""
"""The ``amnimo`` command with the root logger at DEBUG on stderr (``-v`` adds the SDK's log)."""


def test_command_leaks_nothing(serve: Serve, tmp_path: Path) -> None:
    server = serve(clock=None, profile=PROFILE)
    cache, out = tmp_path / "cache", tmp_path / "out"
    out.mkdir()
    corpus = Corpus()
    wrong = "wrong-secret-" + secrets.token_urlsafe(24)
    sub = server.subscription_ids[0]
    completed = next(m for m in server.world.media(sub) if m.get("status") == "COMPLETED" and m.get("size"))

    def run(*args: str, code: int = 0, secret: str | None = None) -> None:
        done = subprocess.run(
            [sys.executable, "-c", BOOT, *args],
            env=environment(server, cache, secret=secret),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            cwd=out,
        )
        corpus.add(f"stdout of amnimo {args[:3]}", done.stdout)
        corpus.add(f"stderr of amnimo {args[:3]}", done.stderr)
        assert done.returncode == code, (args, done.returncode)

    run("-v", "--debug", "hierarchy", server.account_id, "-f", "json")
    run("-v", "--debug", "cameras", "get", sub, UNKNOWN, code=5)
    run("-v", "inventory", server.account_id, "-f", "jsonl", "-o", str(out / "inventory.jsonl"))
    run("-v", "media", "search", sub, "--all", "-f", "csv", "-o", str(out / "media.csv"))
    run("-v", "media", "download", sub, completed["id"], "-o", str(out / "clip.bin"))
    server.expire_all_tokens()
    run("-v", "--debug", "cameras", "list", sub, "-f", "json")  # 403 expired, a new token
    run("-v", "--debug", "hierarchy", server.account_id, code=4, secret=wrong)
    run("token", "status", "-f", "json")
    run("token", "clear")
    server.faults.add(Fault(route="issueToken", kind="truncate", times=2))
    run("-v", "--debug", "--max-retries", "1", "hierarchy", server.account_id, code=7)
    server.faults.clear()
    run("-v", "--debug", "devices", "external", sub, "-f", "json")

    assert server.journal.tokens_issued == 5  # first, after expiry, two truncated, the last
    assert_private(cache / "amnimo")
    assert_sealed_documents(cache / "amnimo")
    assert {p.name for p in out.iterdir()} == {"inventory.jsonl", "media.csv", "clip.bin"}
    logged = "".join(text for where, text in corpus.entries if where.startswith("stderr"))
    assert "amnimo: DEBUG: " in logged  # -v: the SDK's log
    assert "httpcore.connection DEBUG" in logged  # the root logger at DEBUG
    assert "Traceback" in logged  # --debug
    corpus.add_files("token cache", cache)
    corpus.add_files("output", out)
    assert_no_leak(
        corpus, [*fake_needles(server.fake), *credential_needles("wrong", server.client_id, wrong)]
    )


# --- tokens at rest ----------------------------------------------------------------------------

KEY = "http://127.0.0.1:1/ex|client-at-rest"
SECRET = "secret-at-rest-" + "k" * 24


def at_rest_token() -> Token:
    return Token(secrets.token_urlsafe(32), issued_at=1_800_000_000.0, expires_at=1_800_007_200.0)


async def test_the_file_holds_a_sealed_token_that_only_its_secret_opens(
    tmp_path: Path, logs: Capture
) -> None:
    logs.take_root()
    cache = FileTokenCache(tmp_path, secret_key=SECRET)
    token = at_rest_token()
    await cache.store(KEY, token)
    text = cache.path(KEY).read_text()
    corpus = Corpus()
    corpus.add_files("cache", tmp_path)
    corpus.add_repr("cache", cache)
    assert_no_leak(
        corpus,
        [*needles_for("token", token.access_token), *credential_needles("c", "client-at-rest", SECRET)],
    )
    assert_sealed_documents(tmp_path)
    assert stat.S_IMODE(cache.path(KEY).stat().st_mode) == 0o600
    assert await cache.load(KEY) == token
    assert await FileTokenCache(tmp_path, secret_key=SECRET).load(KEY) == token  # another process
    assert cache.expiry(KEY) == token.expires_at
    # Another secret, or the same file under another key, does not open it: a miss, not an error.
    assert await FileTokenCache(tmp_path, secret_key=SECRET + "x").load(KEY) is None
    other_key = KEY + "2"
    document = json.loads(text)
    document["key"] = other_key
    cache.path(other_key).write_text(json.dumps(document))
    assert await cache.load(other_key) is None
    # A flipped bit at either end of the seal and at the boundaries between its parts, or a
    # changed time or type, is caught by the tag.
    sealed = base64.urlsafe_b64decode(document["token"]["sealed"])
    for index in (0, 16, len(sealed) - 33, len(sealed) - 1):
        changed = bytearray(sealed)
        changed[index] ^= 0x01
        altered = json.loads(text)
        altered["token"]["sealed"] = base64.urlsafe_b64encode(bytes(changed)).decode()
        cache.path(KEY).write_text(json.dumps(altered))
        assert await cache.load(KEY) is None, index
    for field, value in (
        ("expires_at", token.expires_at + 86_400),
        ("issued_at", 0.0),
        ("token_type", "Basic"),
    ):
        altered = json.loads(text)
        altered["token"][field] = value
        cache.path(KEY).write_text(json.dumps(altered))
        assert await cache.load(KEY) is None, field
    assert any("key opens" in message for message in logs.messages)


async def test_an_old_plain_file_is_a_miss_and_is_replaced(tmp_path: Path) -> None:
    cache = FileTokenCache(tmp_path, secret_key=SECRET, clock=lambda: 1_800_000_000.0)
    plain = at_rest_token()
    cache.path(KEY).write_text(
        json.dumps(
            {
                "format": 1,
                "key": KEY,
                "token": {"access_token": plain.access_token, "issued_at": 1.8e9, "expires_at": 1.8e9 + 7200},
                "usage": {"month": "2027-01", "count": 7},
            }
        )
    )
    assert await cache.load(KEY) is None  # never used, so never sent
    assert cache.month_count(KEY) == 7  # the month's count survives the format change
    fresh = at_rest_token()
    await cache.store(KEY, fresh)
    text = cache.path(KEY).read_text()
    assert_absent(plain.access_token, text, "the old plain token")
    assert_absent(fresh.access_token, text, "the new token")
    assert cache.month_count(KEY) == 8
    assert await cache.load(KEY) == fresh


async def test_without_a_secret_no_token_is_written(tmp_path: Path, logs: Capture) -> None:
    logs.take_root()
    cache = FileTokenCache(tmp_path)
    token = at_rest_token()
    await cache.store(KEY, token)
    await cache.store(KEY, at_rest_token())
    assert_absent(token.access_token, cache.path(KEY).read_text(), "the token")
    assert await cache.load(KEY) is None
    assert cache.month_count(KEY) == 2  # the calls still count
    assert sum("to seal tokens with" in message for message in logs.messages) == 1
    cache.bind_secret(KEY, SECRET)  # what a client does with its credentials
    await cache.store(KEY, token)
    assert await FileTokenCache(tmp_path, secret_key=SECRET).load(KEY) == token
    assert_absent(token.access_token, cache.path(KEY).read_text(), "the sealed token")


async def test_a_token_that_does_not_open_is_never_sent(
    serve: Serve, connect: Connect, tmp_path: Path
) -> None:
    server = serve(seed=4, clock=None)
    key = f"{server.base_url}|{server.client_id}"
    valid = server.fake.issue_token()  # valid at the server: sending it would save the token call
    await FileTokenCache(tmp_path, secret_key="not-" + server.secret_key).store(
        key, Token(valid, issued_at=time.time(), expires_at=time.time() + 3600)
    )
    cache = FileTokenCache(tmp_path)
    amnimo = connect(server, token_cache=cache)  # binds the client's secret to the cache
    await amnimo.accounts.hierarchy(server.account_id)
    assert server.journal.token_calls == 1
    assert server.journal.count(status=401) == 0
    opened = cache.cached_token(key)
    assert opened is not None
    reused = opened.access_token == valid
    assert not reused  # a new token replaced the one that did not open
