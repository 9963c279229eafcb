"""What the ``*_detailed`` endpoint functions return: the parsed body plus the raw answer."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs
import httpx

T = TypeVar("T")


@attrs.frozen
class Response(Generic[T]):
    """An answer: HTTP status, headers, raw bytes and the parsed model."""

    status_code: int
    headers: httpx.Headers = attrs.field(repr=False)
    content: bytes = attrs.field(repr=False)
    parsed: T
