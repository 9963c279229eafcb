"""Reliability tests (#7): the client against the fake over loopback, through faults, hostile
answers, fuzzed arguments, cancellation, and with secrets watched for.

The loopback fixtures are the integration suite's (``serve``, ``connect``, ``clock``); ``logs``
(every log record at DEBUG) is the secret-leak scan's.
"""

from __future__ import annotations

from ..integration.conftest import clock, connect, serve
from ._leak_scan import logs

__all__ = ["clock", "connect", "logs", "serve"]
