"""No secret, Basic header value or bearer token in logs, reprs or exception messages."""

from __future__ import annotations

import logging

import httpx
import pytest

from amnimo_async import APIStatusError, AuthenticationError
from amnimo_async._logging import redactor

from ._scripted import SECRET, SUB, ScriptedAPI, client, error, sequence


async def test_logs_reprs_and_errors_never_show_credentials(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api = ScriptedAPI(
        sequence(
            error(503),
            httpx.Response(200, json={"total": 0, "page": 0, "size": 1, "cameras": []}),
            error(404, "no such camera"),
        )
    )
    texts: list[str] = []
    async with client(api) as amnimo:
        await amnimo.cameras.list(SUB)
        with pytest.raises(APIStatusError) as info:
            await amnimo.cameras.list(SUB)
        texts += [
            str(info.value),
            repr(info.value),
            repr(amnimo),
            repr(amnimo.transport),
            repr(amnimo.transport.tokens),
        ]
        token = await amnimo.transport.tokens.get()
        texts += [repr(token), repr(amnimo.transport.credentials), repr(amnimo.transport.limiter)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("cameras -> 503" in text for text in texts)  # the log did record the requests
    secrets = [SECRET, api.basic, *api.tokens]
    assert api.tokens
    for text in texts:
        for secret in secrets:
            assert secret not in text


async def test_rejected_credentials_error_does_not_echo_them() -> None:
    api = ScriptedAPI()
    api.token_failure = lambda: error(401, "invalid client")
    async with client(api) as amnimo:
        with pytest.raises(AuthenticationError) as info:
            await amnimo.cameras.list(SUB)
    assert SECRET not in str(info.value)
    assert api.basic not in str(info.value)


def test_filter_scrubs_authorization_headers_from_any_record() -> None:
    record = logging.LogRecord(
        "amnimo_async",
        logging.DEBUG,
        __file__,
        1,
        "headers %s",
        ({"Authorization": "Bearer abc.def-ghi"},),
        None,
    )
    redactor.filter(record)
    assert "abc.def-ghi" not in record.getMessage()
    assert "Bearer [redacted]" in record.getMessage()
