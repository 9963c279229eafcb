"""Retry policy on the wire: what is repeated, what never is, and what is raised at the end."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import httpx
import pytest

from amnimo_async import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncAmnimo,
    BadRequestError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
    RetryPolicy,
    ServerError,
)
from amnimo_async._retry import parse_retry_after
from amnimo_async._transport import DEFAULT_LIMITS

from ._scripted import CAMERA, DEVICE, MEDIA, PAGE, SUB, ScriptedAPI, client, error, sequence

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


async def test_5xx_on_a_get_is_retried_until_it_succeeds() -> None:
    api = ScriptedAPI(sequence(error(500), error(502), error(503), httpx.Response(200, json=PAGE)))
    async with client(api, max_retries=3) as amnimo:
        page = await amnimo.cameras.list(SUB)
    assert page.total == 0
    assert len(api.api_requests) == 4
    assert amnimo.transport.stats.retries == 3


async def test_exhausted_retries_raise_the_last_error() -> None:
    api = ScriptedAPI(sequence(error(500), error(504)))
    async with client(api, max_retries=2) as amnimo:
        with pytest.raises(ServerError) as info:
            await amnimo.cameras.list(SUB)
    assert info.value.status_code == 504
    assert len(api.api_requests) == 3
    assert info.value.attempts == 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_5xx_on_media_create_is_never_repeated(status: int) -> None:
    api = ScriptedAPI(sequence(error(status)))
    async with client(api, max_retries=5) as amnimo:
        with pytest.raises(ServerError) as info:
            await amnimo.media.create(SUB, CAMERA, category="SNAPSHOT", start_time=START)
    assert len(api.api_requests) == 1
    assert info.value.attempts == 1


async def test_read_error_on_port_operation_is_never_repeated() -> None:
    api = ScriptedAPI(sequence(httpx.ReadError("connection reset")))
    async with client(api, max_retries=5) as amnimo:
        with pytest.raises(APIConnectionError):
            await amnimo.devices.operate_port(SUB, DEVICE, "POE0", action=1)
    assert len(api.api_requests) == 1


@pytest.mark.parametrize(
    "never_sent",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("no answer to SYN"), httpx.PoolTimeout("pool full")],
    ids=["connect-error", "connect-timeout", "pool-timeout"],
)
async def test_a_request_that_never_left_is_retried_even_for_media_create(never_sent: Exception) -> None:
    api = ScriptedAPI(sequence(never_sent, httpx.Response(200, json=MEDIA)))
    async with client(api) as amnimo:
        media = await amnimo.media.create(SUB, CAMERA, category="SNAPSHOT", start_time=START)
    assert media.id == MEDIA["id"]
    assert len(api.api_requests) == 2


async def test_429_is_retried_even_for_non_idempotent_calls() -> None:
    api = ScriptedAPI(sequence(error(429, "Too Many Requests"), httpx.Response(200, json={})))
    async with client(api) as amnimo:
        await amnimo.devices.operate_port(SUB, DEVICE, "POE0", action=0)
        assert amnimo.transport.stats.throttled == 1
        assert amnimo.transport.limiter.fraction < 1.0  # the shared limiter slowed down
    assert len(api.api_requests) == 2


async def test_retry_after_is_honoured() -> None:
    api = ScriptedAPI(sequence(error(429, **{"Retry-After": "0.05"}), httpx.Response(200, json=PAGE)))
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    async with client(api) as amnimo:
        amnimo.transport.sleep = record
        await amnimo.cameras.list(SUB)  # the shared limiter also pauses everyone for those 50 ms
    assert slept == [0.05]


async def test_429_exhausted_raises_rate_limit_error_with_the_error_body() -> None:
    api = ScriptedAPI(sequence(error(429, "Too Many Requests")))
    async with client(api, max_retries=1) as amnimo:
        with pytest.raises(RateLimitError) as info:
            await amnimo.cameras.list(SUB)
    assert info.value.message == "Too Many Requests"
    assert info.value.errors[0].status == "ERROR"
    assert len(api.api_requests) == 2


async def test_timeouts_are_retried_for_gets_then_raised_as_api_timeout_error() -> None:
    api = ScriptedAPI(sequence(httpx.ReadTimeout("slow")))
    async with client(api, max_retries=2) as amnimo:
        with pytest.raises(APITimeoutError) as info:
            await amnimo.cameras.get(SUB, CAMERA)
    assert len(api.api_requests) == 3
    assert info.value.attempts == 3
    assert info.value.method == "GET"
    assert CAMERA in info.value.url


async def test_media_searches_are_retried_like_gets() -> None:
    api = ScriptedAPI(sequence(error(503), httpx.Response(200, json=[MEDIA])))
    async with client(api) as amnimo:
        found = await amnimo.media.search(SUB)
    assert [m.id for m in found] == [MEDIA["id"]]
    assert len(api.api_requests) == 2


MEDIA_ID = MEDIA["id"]


@pytest.mark.parametrize(
    "first",
    [error(500), error(503), httpx.ReadError("reset"), httpx.ReadTimeout("slow")],
    ids=["500", "503", "read error", "read timeout"],
)
async def test_a_retried_delete_answered_404_counts_as_deleted(first: Exception | httpx.Response) -> None:
    """The first attempt may have deleted the media and lost the answer: 404 then means done."""
    api = ScriptedAPI(sequence(first, error(404, "Media not found")))
    async with client(api) as amnimo:
        assert await amnimo.media.delete(SUB, MEDIA_ID) is None
    assert [r.method for r in api.api_requests] == ["DELETE", "DELETE"]


@pytest.mark.parametrize(
    "first", [None, httpx.ConnectError("refused")], ids=["first attempt", "after a refused connection"]
)
async def test_a_delete_answered_404_without_an_unanswered_attempt_is_not_found(
    first: Exception | None,
) -> None:
    replies = [error(404, "Media not found")] if first is None else [first, error(404, "Media not found")]
    api = ScriptedAPI(sequence(*replies))
    async with client(api) as amnimo:
        with pytest.raises(NotFoundError):
            await amnimo.media.delete(SUB, MEDIA_ID)
    assert len(api.api_requests) == len(replies)


async def test_a_404_after_an_unanswered_attempt_is_still_not_found_for_other_calls() -> None:
    api = ScriptedAPI(sequence(error(503), error(404, "Media not found")))
    async with client(api) as amnimo:
        with pytest.raises(NotFoundError):
            await amnimo.media.rename(SUB, MEDIA_ID, "new name")
    assert len(api.api_requests) == 2


async def test_400_is_not_retried() -> None:
    api = ScriptedAPI(sequence(error(400, "Validation Error")))
    async with client(api) as amnimo:
        with pytest.raises(BadRequestError, match="Validation Error"):
            await amnimo.cameras.list(SUB)
    assert len(api.api_requests) == 1


async def test_malformed_body_of_an_idempotent_call_is_retried() -> None:
    api = ScriptedAPI(
        sequence(httpx.Response(200, content=b'{"total": 1, "pag'), httpx.Response(200, json=PAGE))
    )
    async with client(api) as amnimo:
        page = await amnimo.cameras.list(SUB)
    assert page.size == 500
    assert len(api.api_requests) == 2


async def test_malformed_body_of_media_create_is_raised_not_repeated() -> None:
    api = ScriptedAPI(sequence(httpx.Response(200, content=b"<html>gateway</html>")))
    async with client(api) as amnimo:
        with pytest.raises(ResponseValidationError) as info:
            await amnimo.media.create(SUB, CAMERA, category="SNAPSHOT", start_time=START)
    assert len(api.api_requests) == 1
    assert info.value.attempts == 1
    assert info.value.operation == "createMedia"
    assert "<html>gateway" in str(info.value)


def test_backoff_is_capped_exponential_with_jitter() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=8.0)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)]:
        delays = {policy.backoff(attempt) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered


def test_retry_after_is_read_in_both_forms_and_capped() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now=1445412480.0) == 5.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert RetryPolicy(max_retry_after=60).delay(1, 3600.0) == 60.0


async def test_attempts_count_every_send_including_the_one_after_a_token_refresh() -> None:
    api = ScriptedAPI(sequence(error(403, "Token expired"), error(500)))
    async with client(api, max_retries=5) as amnimo:
        with pytest.raises(ServerError) as info:
            await amnimo.media.create(SUB, CAMERA, category="SNAPSHOT", start_time=START)
    assert len(api.token_requests) == 2
    assert len(api.api_requests) == 2
    assert info.value.attempts == 2


def undecodable() -> httpx.Response:
    return httpx.Response(
        200, stream=httpx.ByteStream(b"not gzip at all"), headers={"Content-Encoding": "gzip"}
    )


async def test_an_undecodable_body_of_a_get_is_retried() -> None:
    api = ScriptedAPI(sequence(undecodable(), httpx.Response(200, json=PAGE)))
    async with client(api) as amnimo:
        page = await amnimo.cameras.list(SUB)
    assert page.size == 500
    assert len(api.api_requests) == 2


async def test_an_undecodable_body_of_media_create_is_a_response_validation_error_not_repeated() -> None:
    api = ScriptedAPI(sequence(undecodable()))
    async with client(api) as amnimo:
        with pytest.raises(ResponseValidationError) as info:
            await amnimo.media.create(SUB, CAMERA, category="SNAPSHOT", start_time=START)
    assert info.value.operation == "createMedia"
    assert len(api.api_requests) == 1


async def test_a_redirect_is_not_taken_for_success() -> None:
    api = ScriptedAPI(sequence(httpx.Response(302, headers={"Location": "https://elsewhere.test/"})))
    async with client(api) as amnimo:
        with pytest.raises(APIStatusError) as info:
            await amnimo.media.delete(SUB, MEDIA_ID)
    assert info.value.status_code == 302
    assert len(api.api_requests) == 1


async def test_the_documented_defaults() -> None:
    """README: 5 retries, backoff 0.25-0.5 s doubling to 4-8 s, Retry-After capped at 60 s;
    10 s to connect, 30 s to read or write, 60 s for a pooled connection, 32 connections."""
    async with AsyncAmnimo("id", "secret") as amnimo:
        retry = amnimo.transport.retry
        timeout = amnimo.transport.http.timeout
    assert retry.max_retries == 5
    assert [retry.backoff(1, rng=Extremes(low)) for low in (True, False)] == [0.25, 0.5]
    assert [retry.backoff(5, rng=Extremes(low)) for low in (True, False)] == [4.0, 8.0]
    assert retry.backoff(9, rng=Extremes(False)) == 8.0
    assert retry.delay(1, retry_after=120.0) == 60.0
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (10.0, 30.0, 30.0, 60.0)
    assert DEFAULT_LIMITS.max_connections == 32


class Extremes(random.Random):
    """A random source that always draws the low (or the high) end of a range."""

    def __init__(self, low: bool) -> None:
        super().__init__()
        self.low = low

    def uniform(self, a: float, b: float) -> float:
        return a if self.low else b
