"""ApiError and the documented error body ``[{ts, status, message, details}]``."""

from __future__ import annotations

import http
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ._timestamps import format_timestamp


class ApiError(Exception):
    """An error answer: raised by route code, turned into the error body by the app."""

    def __init__(
        self,
        status: int,
        message: str,
        details: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.details = [dict(detail) for detail in details] if details else [{}]
        self.headers = dict(headers or {})


def reason(status: int) -> str:
    """The upper-case reason phrase of ``status`` (``BAD REQUEST``)."""
    try:
        return http.HTTPStatus(status).phrase.upper()
    except ValueError:
        return "ERROR"


def error_body(
    status: int, message: str, details: Sequence[Mapping[str, Any]] | None, now: float
) -> list[dict[str, Any]]:
    """The documented error body for ``status``."""
    return [
        {
            "ts": format_timestamp(now),
            "status": reason(status),
            "message": message,
            "details": [dict(detail) for detail in details] if details else [{}],
        }
    ]


def error_bytes(status: int, message: str, details: Sequence[Mapping[str, Any]] | None, now: float) -> bytes:
    """The error body encoded as JSON."""
    body = error_body(status, message, details, now)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
