"""Hostile answers: a success status whose body is not what the spec documents.

Every operation of the spec is covered (the cases are derived from ``openapi.yaml``, so a new
operation is too): a 200 whose body is not JSON, lacks a required field or has a field of the
wrong type raises ``ResponseValidationError`` naming the operation, status, method, URL and the
start of the body; idempotent operations retry it like any transient fault, createMedia and
operatePort are sent once. Arbitrary JSON (hypothesis) through every operation gives a parsed
model or an ``AmnimoError``, never anything else.

An operation whose success has no body (deleteMedia, 204) is judged by its status alone: whatever
body comes with a 2xx is ignored, neither an error nor a reason to retry (a delete that happened
must not be repeated into a 404).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import typing
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import attrs
import httpx
import openapi_schema_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amnimo_async import AsyncAmnimo, ResponseValidationError
from amnimo_async._request import MalformedBodyError
from amnimo_async.api.accounts import get_hierarchy
from amnimo_async.api.auth import issue_token

from ..unit._spec_operations import OPERATIONS, SPEC, VALID_ARGS, endpoint_of, resolve, success_answer
from ..unit.conftest import BASE_URL, CAMERA, SUB, client_on, token_grant

SNIPPET = 120  # bytes of the body an error quotes
TRIES = 3  # the first try and max_retries=2
FAST = settings(max_examples=50, derandomize=True, deadline=None, database=None)

Steps = tuple[Any, ...]  # keys and indexes from the root of an answer


# --- what the spec says each operation answers ----------------------------------------------------


def idempotent(operation_id: str) -> bool:
    return bool(OPERATIONS[operation_id].body["x-idempotent"])


def example(schema: dict[str, Any], name: str = "value", depth: int = 0) -> Any:
    """A valid answer with every documented field present (arrays hold one item, a few levels deep)."""
    schema = resolve(schema)
    if "anyOf" in schema or "oneOf" in schema:
        return example(schema.get("anyOf", schema.get("oneOf"))[0], name, depth)
    if "x-known-values" in schema:
        return schema["x-known-values"][0]
    kind = schema.get("type")
    if kind == "object":
        return {key: example(sub, key, depth + 1) for key, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema["items"], name, depth + 1)] if depth < 4 else []
    if kind == "string":
        return "2025-02-14T15:00:00.000Z" if schema.get("format") == "date-time" else f"{name}-1"
    if kind == "integer":
        return 7
    if kind == "boolean":
        return True
    raise AssertionError(f"no example for {schema}")


def schema_of(operation_id: str) -> dict[str, Any]:
    schema = success_answer(operation_id)[1]
    assert schema is not None
    return schema


JSON_OPERATIONS = sorted(op for op in OPERATIONS if success_answer(op)[1] is not None)
BODILESS_OPERATIONS = sorted(op for op in OPERATIONS if success_answer(op)[1] is None)
SAMPLES = {op: example(schema_of(op)) for op in JSON_OPERATIONS}


def encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


# --- hostile variants of a good answer, found by walking it with its schema -----------------------


@attrs.frozen
class Hostile:
    operation_id: str
    kind: str  # not-json, missing, wrong-type
    where: str  # e.g. "$.cameras[0].id"
    body: bytes
    reason: re.Pattern[str]  # what the error's reason must say

    def __str__(self) -> str:
        return f"{self.operation_id}-{self.kind}-{self.where}"


def json_path(steps: Steps) -> str:
    return "$" + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in steps)


def nodes(
    schema: dict[str, Any], value: Any, steps: Steps = ()
) -> Iterator[tuple[Steps, Any, dict[str, Any]]]:
    """(steps, value, schema) for the answer and everything inside it."""
    schema = resolve(schema)
    yield steps, value, schema
    for key in ("anyOf", "oneOf"):
        if key in schema:  # inside the branch example() took (the node itself is yielded above)
            yield from list(nodes(schema[key][0], value, steps))[1:]
    if isinstance(value, dict):
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                yield from nodes(sub, value[key], (*steps, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nodes(schema["items"], item, (*steps, index))


def edited(value: Any, steps: Steps, edit: Callable[[Any], Any]) -> Any:
    """A copy of ``value`` whose node at ``steps`` is ``edit(node)``."""
    if not steps:
        return edit(value)
    head, *rest = steps
    if isinstance(value, dict):
        return {**value, head: edited(value[head], tuple(rest), edit)}
    return [edited(item, tuple(rest), edit) if i == head else item for i, item in enumerate(value)]


def without(key: Any) -> Callable[[Any], Any]:
    """An edit that drops ``key`` from an object or index ``key`` from an array."""
    if isinstance(key, int):
        return lambda items: items[:key] + items[key + 1 :]
    return lambda obj: {k: v for k, v in obj.items() if k != key}


WRONG = {
    "string": 12345,
    "integer": "12345",
    "boolean": "true",
    "array": "an array?",
    "object": ["an object?"],
}


def hostile_answers(operation_id: str) -> Iterator[Hostile]:
    sample = SAMPLES[operation_id]
    not_json = re.compile(r"body is not JSON \(.+\)")
    for where, body in (
        ("html", b"<html><body>502 Bad Gateway</body></html>"),
        ("empty", b""),
        ("cut", encode(sample)[:-1]),
    ):
        yield Hostile(operation_id, "not-json", where, body, not_json)
    for steps, value, node in nodes(schema_of(operation_id), sample):
        for key in node.get("required", []) if isinstance(value, dict) else []:
            where = json_path((*steps, key))
            body = encode(edited(sample, steps, without(key)))
            yield Hostile(
                operation_id,
                "missing",
                where,
                body,
                re.compile(f"required field missing at {re.escape(where)}"),
            )
        wrong = WRONG.get(node.get("type", ""), 12345)  # 12345 is in no branch of our anyOfs either
        body = encode(edited(sample, steps, lambda _, wrong=wrong: wrong))
        reason = re.compile(rf"expected .+, got \w+ at {re.escape(json_path(steps))}")
        yield Hostile(operation_id, "wrong-type", json_path(steps), body, reason)


HOSTILE = [answer for op in JSON_OPERATIONS for answer in hostile_answers(op)]
FIRST_OF_EACH_KIND = list({(h.operation_id, h.kind): h for h in reversed(HOSTILE)}.values())


# --- a client on a scripted server ----------------------------------------------------------------


def request_path(operation_id: str) -> str:
    return endpoint_of(operation_id).build(**VALID_ARGS[operation_id]).path


class Server:
    """Answers the operation under test from ``script`` (the last answer repeats) and counts how
    often it was asked; answers the token call with a good grant unless that is under test."""

    def __init__(self, operation_id: str, *script: tuple[int, bytes]) -> None:
        self.target = httpx.URL(BASE_URL + request_path(operation_id)).path
        self.script = list(script)
        self.asked = 0
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if request.url.path == self.target:
            self.asked += 1
            status, body = self.script.pop(0) if len(self.script) > 1 else self.script[0]
            return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})
        if request.url.path.endswith("/oauth2/token"):
            return token_grant()
        return httpx.Response(404, json=[{"status": "NOT FOUND", "message": "not under test"}])


@contextlib.asynccontextmanager
async def connected(server: Server, *, max_retries: int) -> AsyncIterator[tuple[AsyncAmnimo, list[float]]]:
    """A client on ``server`` (no rate limit); backoff sleeps are recorded, not slept."""
    sleeps: list[float] = []

    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async with client_on(server, max_retries=max_retries) as client:
        client.transport.sleep = no_sleep
        yield client, sleeps


async def call(client: AsyncAmnimo, operation_id: str) -> Any:
    """The operation through its public function (``asyncio_detailed``), with valid arguments."""
    return await endpoint_of(operation_id).asyncio_detailed(client, **VALID_ARGS[operation_id])


def conforms(value: Any, operation_id: str) -> bool:
    """``value`` is of the type the operation's parser declares."""
    returns = typing.get_type_hints(endpoint_of(operation_id).parse)["return"]
    if typing.get_origin(returns) is tuple:
        item = typing.get_args(returns)[0]
        return isinstance(value, tuple) and all(isinstance(v, item) for v in value)
    return isinstance(value, returns)


# --- the cases and the good answers they start from -----------------------------------------------


def test_every_operation_gets_every_kind_of_hostile_answer() -> None:
    assert BODILESS_OPERATIONS == ["deleteMedia"]
    kinds = {op: {h.kind for h in HOSTILE if h.operation_id == op} for op in JSON_OPERATIONS}
    # "missing" needs a required field: HlsResult and PortOperationResult require none.
    partial = {op for op, found in kinds.items() if found != {"not-json", "missing", "wrong-type"}}
    assert partial == {"stopHls", "updateHls", "operatePort"}
    assert all(kinds[op] == {"not-json", "wrong-type"} for op in partial)


@pytest.mark.parametrize("operation_id", JSON_OPERATIONS)
async def test_the_good_answer_is_valid_and_parses(operation_id: str) -> None:
    openapi_schema_validator.validate(
        SAMPLES[operation_id],
        {**schema_of(operation_id), "components": SPEC["components"]},
        cls=openapi_schema_validator.OAS31Validator,
    )
    server = Server(operation_id, (200, encode(SAMPLES[operation_id])))
    async with connected(server, max_retries=2) as (client, sleeps):
        answer = await call(client, operation_id)
    assert conforms(answer.parsed, operation_id)
    assert (server.asked, sleeps) == (1, [])


# --- hostile 200s ---------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE, ids=str)
async def test_a_hostile_200_raises_response_validation_error(hostile: Hostile) -> None:
    op = hostile.operation_id
    server = Server(op, (200, hostile.body))
    async with connected(server, max_retries=TRIES - 1) as (client, sleeps):
        with pytest.raises(ResponseValidationError) as info:
            await call(client, op)
    error = info.value
    assert (error.operation, error.status_code) == (op, 200)
    assert (error.method, error.url) == (OPERATIONS[op].method, BASE_URL + request_path(op))
    assert hostile.reason.fullmatch(error.reason), error.reason
    if b'"access_token"' not in hostile.body:  # a token answer's snippet is redacted (tested below)
        assert error.snippet == hostile.body[:SNIPPET].decode("utf-8", "replace")
    assert f"{op}: unexpected answer to {error.method} {error.url} (HTTP 200)" in str(error)
    tries = TRIES if idempotent(op) else 1
    assert server.asked == tries
    assert len(sleeps) == tries - 1


@pytest.mark.parametrize("hostile", FIRST_OF_EACH_KIND, ids=str)
async def test_a_good_answer_after_a_hostile_one(hostile: Hostile) -> None:
    """Idempotent: the retry's good answer is the result. Otherwise: raised, never asked again."""
    op = hostile.operation_id
    good = encode(SAMPLES[op])
    server = Server(op, (200, hostile.body), (200, good))
    async with connected(server, max_retries=TRIES - 1) as (client, sleeps):
        if idempotent(op):
            answer = await call(client, op)
            assert answer.content == good
            assert conforms(answer.parsed, op)
            assert (server.asked, len(sleeps)) == (2, 1)
        else:
            with pytest.raises(ResponseValidationError):
                await call(client, op)
            assert (server.asked, sleeps) == (1, [])


@pytest.mark.parametrize("operation_id", BODILESS_OPERATIONS)
@pytest.mark.parametrize(
    ("status", "body"),
    [
        (204, b""),
        (204, b"<html>gateway</html>"),
        (200, b'{"id": 1}'),
        (200, b"[" * 10_000),
        (202, b"\xff\xfe"),
    ],
)
async def test_a_bodiless_success_ignores_whatever_body_comes(
    operation_id: str, status: int, body: bytes
) -> None:
    server = Server(operation_id, (status, body))
    async with connected(server, max_retries=TRIES - 1) as (client, sleeps):
        answer = await call(client, operation_id)
    assert answer.parsed is None
    assert answer.status_code == status
    assert (server.asked, sleeps) == (1, [])


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 100_000, id="too-deep-to-decode"),
        pytest.param(
            ('{"accountId":"a","childAccounts":[' * 400 + '{"accountId":"b"}' + "]}" * 400).encode(),
            id="too-deep-to-structure",
        ),
    ],
)
async def test_an_answer_nested_too_deep_is_a_validation_error(body: bytes) -> None:
    server = Server("getHierarchy", (200, body))
    async with connected(server, max_retries=1) as (client, _):
        with pytest.raises(ResponseValidationError) as info:
            await get_hierarchy.asyncio(client, VALID_ARGS["getHierarchy"]["account_id"])
    assert info.value.operation == "getHierarchy"
    assert "recursion" in info.value.reason
    assert len(str(info.value)) < 1000
    assert server.asked == 2


# --- the token call -------------------------------------------------------------------------------

LIVE_TOKEN = "eyJraWQiOiJsaXZlLXRva2VuLXRoYXQtd29ya3MifQ.c2VjcmV0"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            {"access_token": LIVE_TOKEN, "token_type": "Bearer", "expires_in": "7200"}, id="expires-text"
        ),
        pytest.param({"access_token": LIVE_TOKEN, "expires_in": 7200}, id="no-token-type"),
        pytest.param(
            {"token_type": "Bearer", "expires_in": 7200, "refresh_token": LIVE_TOKEN}, id="no-access-token"
        ),
    ],
)
async def test_a_hostile_token_answer_fails_the_call_without_showing_the_token(body: dict[str, Any]) -> None:
    """The grant is malformed but may carry a live token: it must not reach the error text."""
    server = Server("issueToken", (200, encode(body)))
    async with connected(server, max_retries=1) as (client, _):
        with pytest.raises(ResponseValidationError) as info:
            await client.cameras.get(SUB, CAMERA)
    error = info.value
    assert error.operation == "issueToken"
    assert error.url == BASE_URL + "/oauth2/token"
    assert LIVE_TOKEN not in str(error)
    assert LIVE_TOKEN not in error.snippet
    assert '"[redacted]"' in error.snippet
    assert server.asked == 2  # the token call is idempotent: retried once
    assert all(path.endswith("/oauth2/token") for path in server.paths)  # the camera was never asked


async def test_a_token_cut_off_by_the_snippet_is_redacted_too() -> None:
    body = b'{"padding": "' + b"p" * 78 + b'", "access_token": "' + LIVE_TOKEN.encode() + b'"'  # not JSON
    server = Server("issueToken", (200, body))
    async with connected(server, max_retries=0) as (client, _):
        with pytest.raises(ResponseValidationError) as info:
            await issue_token.asyncio(client)
    assert LIVE_TOKEN[:8] not in str(info.value)
    assert info.value.snippet.endswith('"access_token": "[redacted]')


# --- arbitrary JSON (hypothesis) ------------------------------------------------------------------

TEXT = st.text(max_size=12)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def locations(value: Any, at: Steps = ()) -> Iterator[Steps]:
    """The steps to every node below the root."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, sub in items:
        yield (*at, key)
        yield from locations(sub, (*at, key))


def mutate(sample: Any, at: Steps, drop: bool, new: Any) -> Any:
    """``sample`` with the node at ``at`` dropped, or replaced by ``new``."""
    if drop:
        return edited(sample, at[:-1], without(at[-1]))
    return edited(sample, at, lambda _: new)


def answers(operation_id: str) -> st.SearchStrategy[Any]:
    """Arbitrary JSON; the good answer as it is, or with one node dropped or swapped for arbitrary
    JSON; and objects keyed by the answer's own field names."""
    sample = SAMPLES.get(operation_id, {})
    spots = list(locations(sample))
    if not spots:  # an empty object ({} of operatePort) or no answer at all (deleteMedia)
        return JSON | st.dictionaries(TEXT, JSON, max_size=6) | st.just(sample)
    names = sorted({at[-1] for at in spots if isinstance(at[-1], str)})
    mutations = st.builds(mutate, st.just(sample), st.sampled_from(spots), st.booleans(), JSON)
    return st.one_of(
        JSON, st.just(sample), mutations, st.dictionaries(st.sampled_from(names), JSON, max_size=6)
    )


def bodies(operation_id: str) -> st.SearchStrategy[bytes]:
    return st.binary(max_size=40) | answers(operation_id).map(encode)


def assert_both_halves(outcomes: Counter[str]) -> None:
    """Guards against strategies that never reach a parsed answer (or never a refused one)."""
    assert outcomes["parsed"] >= 1, outcomes
    assert outcomes["refused"] >= 1, outcomes


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_arbitrary_json_gives_a_model_or_a_validation_error(operation_id: str) -> None:
    status = success_answer(operation_id)[0]
    outcomes: Counter[str] = Counter()

    async def answer(body: bytes) -> str:
        server = Server(operation_id, (status, body))
        failure = None
        async with connected(server, max_retries=0) as (client, _):
            try:
                answer = await call(client, operation_id)
            except ResponseValidationError as error:  # anything else fails the test
                failure = error
        assert server.asked == 1
        if failure is not None:
            assert (failure.operation, failure.status_code) == (operation_id, status)
            return "refused"
        assert conforms(answer.parsed, operation_id)
        return "parsed"

    loop = asyncio.new_event_loop()

    @FAST
    @given(body=bodies(operation_id))
    def check(body: bytes) -> None:
        outcomes[loop.run_until_complete(answer(body))] += 1

    try:
        check()
    finally:
        loop.close()
    if operation_id != "deleteMedia":  # no body to read: every answer means "deleted"
        assert_both_halves(outcomes)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_parsers_raise_only_malformed_body_error(operation_id: str) -> None:
    outcomes: Counter[str] = Counter()

    @settings(FAST, max_examples=30)  # the public-path test above covers the same parsers more
    @given(body=bodies(operation_id))
    def check(body: bytes) -> None:
        failure = None
        try:
            parsed = endpoint_of(operation_id).parse(httpx.Response(200, content=body))
        except MalformedBodyError as error:  # anything else fails the test
            failure = error
        if failure is not None:
            assert 0 < len(str(failure)) <= 300
            outcomes["refused"] += 1
        else:
            assert conforms(parsed, operation_id)
            outcomes["parsed"] += 1

    check()
    if operation_id != "deleteMedia":
        assert_both_halves(outcomes)
