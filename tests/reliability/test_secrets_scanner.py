"""The secret-leak scanner can fail: it finds needles whole and cut."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

import pytest

from ._leak_scan import Corpus, assert_no_leak, credential_needles, needles_for

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
