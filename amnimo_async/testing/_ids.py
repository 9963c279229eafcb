"""Deterministic identifiers: uuids from a seed, and uuids that encode an index.

Indexed ids let the fake find the n-th camera of a subscription from its id in O(1), so a
subscription of 100,000 cameras needs no table: the first 32 bits are the index, scrambled by a
32-bit permutation and masked by a per-(subscription, kind) key; the rest is a hash that proves
the id was issued by the fake.
"""

from __future__ import annotations

import hashlib
import string
import uuid

_ALPHABET = string.ascii_lowercase + string.digits
_MASK32 = 0xFFFFFFFF
_SPREAD = 0x9E3779B1  # odd, so multiplying by it permutes 32-bit integers
_UNSPREAD = pow(_SPREAD, -1, 2**32)


def _digest(*parts: object, size: int = 16) -> bytes:
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.blake2b(text.encode(), digest_size=size).digest()


def derived_uuid(*parts: object) -> str:
    """A version-4-shaped uuid derived from ``parts`` (same parts, same uuid)."""
    return str(uuid.UUID(bytes=_digest(*parts), version=4))


def derived_int(*parts: object) -> int:
    """A 64-bit integer derived from ``parts``, for seeding per-item random generators."""
    return int.from_bytes(_digest(*parts, size=8), "big")


def derived_token(*parts: object, length: int = 26) -> str:
    """A lower-case alphanumeric string derived from ``parts`` (client IDs, secrets, keys)."""
    raw = _digest(*parts, size=64)
    return "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in raw[:length])


class IndexedIds:
    """Issues and decodes the uuids of one kind of item (e.g. cameras) of one subscription."""

    def __init__(self, key: str, kind: str) -> None:
        self._prefix = f"{key}\x1f{kind}"
        self._mask = int.from_bytes(_digest(self._prefix, size=4), "big")

    def issue(self, index: int) -> str:
        """The uuid of item ``index``."""
        head = (((index * _SPREAD) & _MASK32) ^ self._mask).to_bytes(4, "big")
        tail = _digest(self._prefix, index, size=12)
        return str(uuid.UUID(bytes=head + tail, version=4))

    def decode(self, item_id: str, count: int) -> int | None:
        """The index of ``item_id`` if it is one of the first ``count`` ids, else None."""
        text = item_id.lower()
        try:
            head = int(text[:8], 16)
        except ValueError:
            return None
        index = ((head ^ self._mask) * _UNSPREAD) & _MASK32
        if index >= count or self.issue(index) != text:
            return None
        return index
