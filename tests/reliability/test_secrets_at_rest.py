"""Tokens at rest (#7): the file cache holds only sealed tokens, that only their secret opens; an old
plain file is a miss, and without a secret no token is written.
"""

from __future__ import annotations

import base64
import json
import secrets
import stat
import time
from pathlib import Path

from amnimo_async import Token
from amnimo_async._file_cache import FileTokenCache

from ..integration.conftest import Connect, Serve
from ._leak_scan import (
    Capture,
    Corpus,
    assert_absent,
    assert_no_leak,
    assert_sealed_documents,
    credential_needles,
    needles_for,
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
