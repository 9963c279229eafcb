"""UrlSigner: presigned URLs for the files the fake serves (media, thumbnails)."""

from __future__ import annotations

import hashlib
import hmac
import math
from typing import Literal
from urllib.parse import quote

from ._clock import Clock


class UrlSigner:
    """Signs ``path`` + expiry with an HMAC so that a URL works until it expires, unaltered.

    A URL looks like ``http://host/_files/<mediaId>?expires=<epoch seconds>&sig=<hex>``.
    """

    def __init__(self, key: bytes, clock: Clock) -> None:
        self._key = key
        self._clock = clock

    def signature(self, path: str, expires: int) -> str:
        """The signature of ``path`` valid until ``expires``."""
        message = f"{path}\n{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:40]

    def url(self, origin: str, path: str, lifetime: float) -> str:
        """A URL on ``origin`` (``http://host:port``) for ``path``, valid ``lifetime`` seconds."""
        expires = math.floor(self._clock() + lifetime)
        quoted = quote(path)
        return f"{origin}{quoted}?expires={expires}&sig={self.signature(path, expires)}"

    def check(self, path: str, expires: str | None, sig: str | None) -> Literal["ok", "bad", "expired"]:
        """Whether a presented URL is genuine and still valid."""
        if not expires or not sig or not expires.isdigit():
            return "bad"
        if not hmac.compare_digest(self.signature(path, int(expires)), sig):
            return "bad"
        if self._clock() > int(expires):
            return "expired"
        return "ok"
