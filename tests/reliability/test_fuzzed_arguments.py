"""Fuzzed arguments (#7): whatever a caller passes, an endpoint either sends a request the spec
accepts or raises ``ValidationError`` naming one of its arguments, having sent nothing (not even
a token call). Any other exception is a bug.

Operations are discovered from the package and arguments are drawn from the spec's parameter and
body schemas (``_argument_drawing.py``), so a new operation is fuzzed without touching this file.
Each argument is drawn valid or hostile. Requests are checked against the spec (method, path
template, parameter and body schemas) and against the arguments that produced them.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from amnimo_async import ValidationError

from ..unit._spec_operations import MODULES, OPERATIONS, VALID_ARGS, module_of, resolve
from ..unit.conftest import client_on, token_grant
from ._argument_drawing import (
    PREFIX,
    TOKEN_PATH,
    UTC,
    _answer,
    _arguments,
    _body_spec,
    _edges,
    _kwargs,
    _parameter_validators,
)

EXAMPLES = 120


# --- calling -------------------------------------------------------------------------------------


async def _call(
    operation_id: str, kwargs: dict[str, Any]
) -> tuple[list[httpx.Request], ValidationError | None]:
    """Call the operation's public function on a fresh client; the requests it made, and its
    ValidationError if it raised one (any other exception propagates)."""
    status, body = _answer(operation_id)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        if request.url.path == TOKEN_PATH:
            return token_grant()
        return httpx.Response(status) if body is None else httpx.Response(status, json=body)

    async with client_on(handle, max_retries=0) as amnimo:
        try:
            await module_of(operation_id).asyncio(amnimo, **kwargs)
        except ValidationError as error:
            return seen, error
    return seen, None


# --- checking what was sent ----------------------------------------------------------------------


def _brief(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int too long to print
        return f"<{type(value).__name__}>"
    return text if len(text) <= 60 else f"{text[:50]}...<{len(text)} chars>"


@functools.cache
def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(re.escape(PREFIX) + regex)


def _from_query(schema: dict[str, Any], text: str) -> Any:
    """A query string value as the JSON value its schema describes."""
    kind = schema.get("type")
    if kind == "integer":
        assert re.fullmatch(r"-?[0-9]+", text), text
        return int(text)
    if kind == "boolean":
        assert text in ("true", "false"), text
        return text == "true"
    return text


def _wire_values(request: httpx.Request, operation_id: str) -> dict[str, Any]:
    """What the request carries for each spec parameter (path and query by wire name, body
    fields by their dotted path), after checking the request against the spec."""
    op = OPERATIONS[operation_id]
    assert request.method == op.method
    raw_path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
    match = _path_pattern(op.path).fullmatch(raw_path)
    assert match is not None, (raw_path, op.path)
    specs = {resolve(raw)["name"]: resolve(raw) for raw in op.body.get("parameters", [])}
    validators = _parameter_validators(operation_id)
    values: dict[str, Any] = {}

    for name, segment in match.groupdict().items():
        values[name] = unquote(segment, errors="strict")
    query = parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True, errors="strict")
    for name, text in query:
        assert name in specs, f"undocumented query parameter {name}"
        assert specs[name]["in"] == "query", name
        schema = resolve(specs[name]["schema"])
        if schema.get("type") == "array":
            values.setdefault(name, []).append(_from_query(resolve(schema["items"]), text))
        else:
            assert name not in values, f"{name} repeated"
            values[name] = _from_query(schema, text)
    for name, spec in specs.items():
        if spec.get("required"):
            assert name in values, f"required {spec['in']} parameter {name} missing"
        if name in values:
            validators[name].validate(values[name])
            for other in spec.get("x-exclusive-with", []):
                assert other not in values, f"{name} sent together with {other}"

    body_spec = _body_spec(operation_id)
    if body_spec is None:
        assert request.content == b""
        return values
    content_type, validator = body_spec
    assert request.headers["Content-Type"].split(";")[0] == content_type
    text = request.content.decode("utf-8")
    body = (
        dict(parse_qsl(text, keep_blank_values=True))
        if content_type.endswith("urlencoded")
        else json.loads(text)
    )
    validator.validate(body)
    values.update(_flatten(body))
    return values


def _flatten(body: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, value in body.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _check_time_order(values: dict[str, Any]) -> None:
    """The spec's rule for every range: ``endTime`` must not be before ``startTime``."""
    if "startTime" in values and "endTime" in values:
        # Fixed-width UTC timestamps (schema WireTimestamp) order as strings.
        assert values["endTime"] >= values["startTime"], values


def _expected_on_wire(value: Any, schema: dict[str, Any]) -> Any:
    """What an accepted argument must look like on the wire (as decoded above)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_expected_on_wire(item, resolve(schema["items"])) for item in value]
    if isinstance(value, uuid.UUID) or schema.get("format") == "uuid":
        return str(value).lower()
    if isinstance(value, datetime):  # the same instant in UTC, cut to the millisecond
        utc = value.astimezone(UTC)
        return utc - timedelta(microseconds=utc.microsecond % 1000)
    return value


def _check_echoes(operation_id: str, kwargs: dict[str, Any], values: dict[str, Any]) -> None:
    """Each argument the caller passed arrives as given, under its spec name."""
    arguments = _arguments(operation_id)
    params = {
        resolve(raw)["name"]: resolve(raw) for raw in OPERATIONS[operation_id].body.get("parameters", [])
    }
    # A parameter the spec says must go alone leaves out those it excludes (listCameras' cameraId).
    displaced = {
        other for name in values if name in params for other in params[name].get("x-exclusive-with", [])
    }
    for name, value in kwargs.items():
        spec = arguments[name][1]
        if value is None or spec.wire in displaced:
            continue
        assert spec.wire in values, f"{name}={_brief(value)} was accepted but not sent"
        wire = values[spec.wire]
        if isinstance(value, datetime):
            wire = datetime.strptime(wire, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        expected = _expected_on_wire(value, spec.schema)
        if isinstance(value, (set, frozenset)):  # no order to keep
            wire, expected = sorted(wire), sorted(expected)
        assert wire == expected, (name, value, wire)


def _check(
    operation_id: str, kwargs: dict[str, Any], sent: list[httpx.Request], error: ValidationError | None
) -> str:
    if error is not None:
        assert sent == [], f"{error!r} raised after sending {sent}"
        # The error names an argument of the call (an item of a list one as "camera_ids[3]").
        assert error.argument.split("[", 1)[0] in _arguments(operation_id), error.argument
        assert str(error).startswith(f"{error.argument}: ")
        assert len(str(error)) > len(error.argument) + 2
        return "refused"
    if module_of(operation_id).OPERATION.auth == "bearer":
        assert [(r.method, r.url.path) for r in sent[:1]] == [("POST", TOKEN_PATH)]
        sent = sent[1:]
    assert len(sent) == 1, sent
    values = _wire_values(sent[0], operation_id)
    _check_time_order(values)
    _check_echoes(operation_id, kwargs, values)
    return "sent"


# --- the tests -----------------------------------------------------------------------------------


# A changed argument may break a rule that ties it to another, which the error then names.
ALSO_NAMED = {("operatePort", "action"): {"reset_timer"}}  # resetTimer goes only with action 2


def test_every_spec_operation_is_fuzzed() -> None:
    assert set(VALID_ARGS) == set(OPERATIONS)


@pytest.mark.parametrize("operation_id", sorted(MODULES))
def test_every_edge_value_on_every_argument(operation_id: str) -> None:
    """Each edge value of an argument's kind, put in a valid call in place of that argument."""
    baseline = VALID_ARGS[operation_id]
    cases = [
        (name, value) for name, (_, spec) in _arguments(operation_id).items() for value in _edges(spec.schema)
    ]
    failures = []
    loop = asyncio.new_event_loop()
    try:
        assert (
            _check(operation_id, baseline, *loop.run_until_complete(_call(operation_id, baseline))) == "sent"
        )
        for name, value in cases:
            kwargs = {**baseline, name: value}
            try:
                sent, error = loop.run_until_complete(_call(operation_id, kwargs))
                _check(operation_id, kwargs, sent, error)
                if error is not None:  # the one argument changed is the one named
                    named = error.argument.split("[", 1)[0]
                    assert named == name or named in ALSO_NAMED.get((operation_id, name), ()), error
            except Exception as exc:  # collected, so one run lists every case that goes wrong
                failures.append(f"{name}={_brief(value)}: {type(exc).__name__}: {exc}"[:300])
    finally:
        loop.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("operation_id", sorted(MODULES))
def test_fuzzed_arguments_are_sent_as_the_spec_says_or_refused_before_sending(operation_id: str) -> None:
    outcomes: Counter[str] = Counter()
    loop = asyncio.new_event_loop()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(kwargs=_kwargs(operation_id))
    def check(kwargs: dict[str, Any]) -> None:
        sent, error = loop.run_until_complete(_call(operation_id, kwargs))
        outcomes[_check(operation_id, kwargs, sent, error)] += 1

    try:
        check()
    finally:
        loop.close()
    # Guards against a validator that refuses everything (or nothing).
    assert outcomes["sent"] >= (1 if not _arguments(operation_id) else EXAMPLES // 10), outcomes
    if _arguments(operation_id):
        assert outcomes["refused"] >= EXAMPLES // 10, outcomes
