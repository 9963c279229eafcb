"""What the secret-leak tests scan with: needles (each secret whole and cut into windows), the
corpus of everything a run left behind, the capture of every log record at DEBUG (the ``logs``
fixture, which the package's conftest provides), and the checks of files the SDK wrote.
"""

from __future__ import annotations

import base64
import json
import logging
import stat
import traceback
import uuid
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from amnimo_async.testing import FakeAmnimo

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
