"""The ``amnimo_async`` logger and the filter that keeps credentials out of its records."""

from __future__ import annotations

import logging
import re
import threading

logger = logging.getLogger("amnimo_async")

_AUTH_HEADER = re.compile(r"((?:Basic|Bearer)\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
REDACTED = "[redacted]"


class RedactingFilter(logging.Filter):
    """Scrubs registered secrets and any ``Basic``/``Bearer`` credential from log records.

    The SDK never formats a secret into a message; this is the second line of defence, for
    arguments that might carry one (a header dict, an exception from a lower library).
    """

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, secret: str) -> None:
        """Remember a value that must never appear in a record (short values are ignored)."""
        if len(secret) >= 6:
            with self._lock:
                self._secrets.add(secret)

    def scrub(self, text: str) -> str:
        text = _AUTH_HEADER.sub(r"\1" + REDACTED, text)
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True

    def __repr__(self) -> str:
        return f"<RedactingFilter secrets={len(self._secrets)}>"


redactor = RedactingFilter()
logger.addFilter(redactor)
