"""Sealing a token at rest with keys derived from the client's secret: one way for every cache.

A cache that keeps a token outside the process (a file, Redis) keeps it sealed, so whoever reads
the stored value alone gets no usable token. Stdlib only: HKDF-SHA256 derives an encryption key
and a MAC key per cache key from the secret, the token is XORed with an HMAC-SHA256 keystream
under a random nonce, and an HMAC-SHA256 tag covers the ciphertext, the token's times and type
and the cache key (a value moved to another key, or with a changed time, does not open)::

    prk = derive_key(secret_key)
    entry = seal(prk, "https://api.amnimo.com/ex|client-id", token)   # a JSON-able dict
    assert open_sealed(prk, "https://api.amnimo.com/ex|client-id", entry) == token

Only the derived key is kept in memory, never the secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from ._tokens import Token

__all__ = ["derive_key", "key_digest", "open_sealed", "seal"]

_SALT = b"amnimo-async token cache v2"  # unchanged since the file cache's format 2: old files open
_NONCE_SIZE = 16
_TAG_SIZE = 32


def key_digest(key: str) -> str:
    """A name for cache key ``key`` (``base_url|client_id``) that shows neither part of it."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _hmac(key: bytes, *parts: bytes) -> bytes:
    return hmac.new(key, b"".join(parts), hashlib.sha256).digest()


def derive_key(secret_key: str) -> bytes:
    """HKDF-extract: the pseudo-random key of a secret (the secret itself is not kept)."""
    return _hmac(_SALT, secret_key.encode("utf-8"))


def _expand(prk: bytes, purpose: bytes, key: str) -> bytes:
    """HKDF-expand (one block): a key for ``purpose`` bound to one cache key."""
    return _hmac(prk, purpose, b"\x00", key.encode("utf-8"), b"\x01")


def _keystream_xor(enc_key: bytes, nonce: bytes, data: bytes) -> bytes:
    stream = b"".join(
        _hmac(enc_key, nonce, counter.to_bytes(8, "big")) for counter in range((len(data) + 31) // 32)
    )
    return bytes(a ^ b for a, b in zip(data, stream[: len(data)], strict=True))


def _associated(key: str, token_type: str, issued_at: float, expires_at: float) -> bytes:
    """What the tag covers besides the ciphertext: a changed time or key fails the tag."""
    text = json.dumps([key, token_type, issued_at, expires_at]).encode("utf-8")
    return len(text).to_bytes(8, "big") + text


def seal(prk: bytes, key: str, token: Token) -> dict[str, Any]:
    """``token`` sealed for cache key ``key``: its type and times in clear, the token sealed."""
    issued_at, expires_at = float(token.issued_at), float(token.expires_at)
    nonce = os.urandom(_NONCE_SIZE)
    ciphertext = _keystream_xor(_expand(prk, b"enc", key), nonce, token.access_token.encode("utf-8"))
    associated = _associated(key, token.token_type, issued_at, expires_at)
    tag = _hmac(_expand(prk, b"mac", key), associated, nonce, ciphertext)
    return {
        "token_type": token.token_type,
        "issued_at": issued_at,
        "expires_at": expires_at,
        "sealed": base64.urlsafe_b64encode(nonce + ciphertext + tag).decode("ascii"),
    }


def open_sealed(prk: bytes, key: str, entry: dict[str, Any]) -> Token | None:
    """The token of a sealed entry, or None when it does not open (shape, secret, tampering)."""
    try:
        token_type = entry.get("token_type", "Bearer")
        issued_at = float(entry["issued_at"])
        expires_at = float(entry["expires_at"])
        blob = base64.urlsafe_b64decode(entry["sealed"].encode("ascii"))
        if not isinstance(token_type, str):
            raise TypeError
    except (KeyError, TypeError, ValueError, AttributeError):  # binascii and Unicode errors are ValueErrors
        return None
    if len(blob) <= _NONCE_SIZE + _TAG_SIZE:
        return None
    nonce, ciphertext, tag = blob[:_NONCE_SIZE], blob[_NONCE_SIZE:-_TAG_SIZE], blob[-_TAG_SIZE:]
    associated = _associated(key, token_type, issued_at, expires_at)
    if not hmac.compare_digest(tag, _hmac(_expand(prk, b"mac", key), associated, nonce, ciphertext)):
        return None
    try:
        access_token = _keystream_xor(_expand(prk, b"enc", key), nonce, ciphertext).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return Token(access_token, issued_at=issued_at, expires_at=expires_at, token_type=token_type)
