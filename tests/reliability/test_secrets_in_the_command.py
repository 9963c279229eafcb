"""Secrets never leak (#7) from the ``amnimo`` command: its output, its logs at DEBUG, the files it
writes (the scan: test_secrets_in_clients.py).
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

from amnimo_async.testing import Fault

from ..cli.conftest import PROFILE, environment
from ..integration.conftest import Serve
from ._leak_scan import (
    UNKNOWN,
    Corpus,
    assert_no_leak,
    assert_private,
    assert_sealed_documents,
    credential_needles,
    fake_needles,
)

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
