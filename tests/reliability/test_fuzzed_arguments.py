"""Fuzzed arguments (#7): whatever a caller passes, an endpoint either sends a request the spec
accepts or raises ``ValidationError`` naming one of its arguments, having sent nothing (not even
a token call). Any other exception is a bug.

Operations are discovered from the package and arguments are drawn from the spec's parameter and
body schemas, so a new operation is fuzzed without touching this file. Each argument is drawn
valid or hostile (wrong type, out of range, tricky string, naive or extreme datetime, ...).
Requests are checked against the spec (method, path template, parameter and body schemas) and
against the arguments that produced them.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import math
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from amnimo_async import PortAction, ValidationError

from ..spec._document import REGISTRY, SPEC_URI, VENDOR_SAMPLES
from ..unit._spec_operations import (
    FIXED_BY_SDK,
    MODULES,
    OPERATIONS,
    VALID_ARGS,
    SpecParam,
    answer_key,
    module_of,
    python_args,
    resolve,
    spec_params,
    success_answer,
)
from ..unit.conftest import BASE_URL, client_on, token_grant

EXAMPLES = 120
UTC = timezone.utc
PREFIX = httpx.URL(BASE_URL).path  # "/ex"
TOKEN_PATH = f"{PREFIX}/oauth2/token"
Strategy = st.SearchStrategy[Any]


# --- the spec ------------------------------------------------------------------------------------


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _validator(pointer: str) -> OAS31Validator:
    """A validator for the schema at ``pointer`` in the spec, its refs resolved against the spec."""
    return OAS31Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"}, registry=REGISTRY, format_checker=oas31_format_checker
    )


@functools.cache
def _parameter_validators(operation_id: str) -> dict[str, OAS31Validator]:
    """Wire name -> validator of each path and query parameter of the operation."""
    op = OPERATIONS[operation_id]
    base = f"/paths/{_escape(op.path)}/{op.method.lower()}"
    validators = {}
    for index, raw in enumerate(op.body.get("parameters", [])):
        pointer = raw["$ref"].removeprefix("#") if "$ref" in raw else f"{base}/parameters/{index}"
        validators[resolve(raw)["name"]] = _validator(f"{pointer}/schema")
    return validators


@functools.cache
def _body_spec(operation_id: str) -> tuple[str, OAS31Validator] | None:
    """The content type and body validator of the operation, if it takes a body."""
    op = OPERATIONS[operation_id]
    if "requestBody" not in op.body:
        return None
    assert resolve(op.body["requestBody"]).get("required"), operation_id
    ((content_type, _),) = resolve(op.body["requestBody"])["content"].items()
    base = f"/paths/{_escape(op.path)}/{op.method.lower()}/requestBody"
    return content_type, _validator(f"{base}/content/{_escape(content_type)}/schema")


@functools.cache
def _answer(operation_id: str) -> tuple[int, Any]:
    """A success answer the operation's parser accepts: the vendor's sample for its schema."""
    samples = dict(VENDOR_SAMPLES)
    status, schema = success_answer(operation_id)
    if schema is None:
        return status, None
    key = answer_key(schema)
    if key.startswith("array of "):
        return status, [samples[key.removeprefix("array of ")]]
    return status, samples[key]


@functools.cache
def _arguments(operation_id: str) -> dict[str, tuple[inspect.Parameter, SpecParam]]:
    """Each Python argument of the operation with the spec parameter it stands for."""
    signature = python_args(operation_id)
    by_python = {
        p.python(operation_id): p
        for p in spec_params(operation_id)
        if (operation_id, p.wire) not in FIXED_BY_SDK
    }
    assert set(signature) == set(by_python), operation_id  # every argument has a schema to draw from
    return {name: (signature[name], by_python[name]) for name in signature}


# --- drawing arguments ---------------------------------------------------------------------------

INT32_MAX = 2**31 - 1
OFFSETS = st.builds(
    timezone,
    st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)),
)
AWARE = st.one_of(
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(timezones=OFFSETS),  # the whole 1..9999 range, extreme offsets included
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2025, 1, 2), timezones=OFFSETS),
)
# Aware, yet outside years 1..9999 once in UTC.
EXTREME_AWARE = [
    datetime.min.replace(tzinfo=timezone(timedelta(hours=1))),
    datetime.max.replace(tzinfo=timezone(timedelta(hours=-1))),
]
NAIVE = datetime(2025, 2, 2, 15)

TRICKY_TEXT = [
    " ",
    "\t\n",
    "\x00",
    "\x7f",
    ".",
    "..",
    "../..",
    "/",
    "a/b",
    "%",
    "%2F",
    "%2e%2e",
    "?x=1",
    "#frag",
    "&a=b",
    "+",
    "名前",
    "🎥",
    "\u202e",
    "\ud800",  # a lone surrogate: a str Python holds but UTF-8 cannot encode
    "a\udfffb",
    "x" * 100_000,
]
JUNK: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.5,
    math.nan,
    math.inf,
    -math.inf,
    b"bytes",
    bytearray(b"x"),
    [],
    (),
    {},
    set(),
    object(),
    Decimal("1"),
    Fraction(1, 2),
    date(2025, 1, 1),
    [10**5000],  # its repr cannot even be printed
]
SOME_UUID = uuid.UUID("3d07c219-0a88-45be-9cfc-91e9d095a1e9")


def _int_bounds(schema: dict[str, Any]) -> tuple[int | None, int | None]:
    """The documented range, ``format: int32`` included."""
    high = schema.get("maximum", INT32_MAX if schema.get("format") == "int32" else None)
    return schema.get("minimum"), high


def _valid(schema: dict[str, Any]) -> Strategy:
    """Values within the schema's types and bounds, in the form a Python caller would pass them;
    free text includes tricky strings (NUL, lone surrogates, very long) that the SDK may refuse."""
    if "oneOf" in schema:
        return st.one_of(*(_valid(resolve(alt)) for alt in schema["oneOf"]))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        if schema.get("type") == "integer":  # what a caller of operatePort passes: ints or members
            members = [m for m in PortAction if m.value in schema["enum"]]
            return st.sampled_from([*schema["enum"], *members])
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(*_int_bounds(schema))
    if kind == "array":
        items = resolve(schema["items"])
        low, high = schema.get("minItems", 0), schema.get("maxItems", 5)
        lists = st.lists(_valid(items), min_size=low, max_size=high)
        return st.one_of(lists, lists.map(tuple))
    assert kind == "string", schema
    if schema.get("format") == "uuid":
        return st.one_of(st.uuids().map(str), st.uuids().map(lambda u: str(u).upper()), st.uuids())
    if "pattern" in schema:  # WireTimestamp: the caller passes an aware datetime
        return AWARE
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    fits = [t for t in TRICKY_TEXT if low <= len(t) <= (high or len(t))]
    return st.one_of(st.text(min_size=low, max_size=high if high is not None else 40), st.sampled_from(fits))


def _sample(schema: dict[str, Any]) -> Any:
    """One value the schema accepts (to fill the lists of the edge cases)."""
    if "enum" in schema:
        return schema["enum"][0]
    return str(SOME_UUID) if schema.get("format") == "uuid" else "x"


def _edges(schema: dict[str, Any]) -> list[Any]:
    """Values wrong for the schema, or at its edges: every one is tried on every argument."""
    if "oneOf" in schema:
        consts = [resolve(alt)["const"] for alt in schema["oneOf"] if "const" in resolve(alt)]
        near = [c.upper() for c in consts] + [f"{c} " for c in consts] + ["", "now"]
        return [*JUNK, *near, NAIVE, NAIVE.isoformat(), *EXTREME_AWARE]
    if "enum" in schema and schema.get("type") == "integer":
        listed = schema["enum"]
        near = [min(listed) - 1, max(listed) + 1, float(listed[0]), str(listed[0]), 2**63]
        return [*JUNK, *near, "NOT_LISTED"]
    if "enum" in schema:
        near = [v.swapcase() for v in schema["enum"]] + [f" {v}" for v in schema["enum"]]
        return [*JUNK, *near, "", "NOT_LISTED", "\ud800"]
    kind = schema.get("type")
    if kind == "boolean":
        return [*JUNK, "true", "false", "yes", 2]
    if kind == "integer":
        low, high = _int_bounds(schema)
        outside = [2**31, 2**63, 10**100, 10**5000, -(10**5000)]
        outside += [low - 1] if low is not None else []
        outside += [high + 1] if high is not None else []
        typed = low if low is not None else 0
        return [*JUNK, *outside, float(typed), str(typed), Decimal(typed)]
    if kind == "array":
        items = resolve(schema["items"])
        item, high = _sample(items), schema.get("maxItems", 10)
        lists: list[Any] = [[item] * (high + 1), [item, None], [item, 5], [item, "\ud800"], [item, b"x"]]
        lists += [[]] if schema.get("minItems", 0) > 0 else []
        return [*(x for x in JUNK if x is not None), *lists, item, item.encode(), {item: None}, {item}]
    if schema.get("format") == "uuid":
        u = SOME_UUID
        near = [u.hex, "{" + str(u) + "}", f"urn:uuid:{u}", f"{u}0", str(u)[:-1], f" {u}", f"{u}\n", u.bytes]
        return [*JUNK, "", *TRICKY_TEXT, *near, u.int]
    if "pattern" in schema:
        return [*JUNK, NAIVE, NAIVE.isoformat(), "2025-02-02T15:00:00.000Z", 1_738_508_400, *EXTREME_AWARE]
    high = schema.get("maxLength")
    return [*JUNK, "", *TRICKY_TEXT, *(["a" * (high + 1)] if high else []), SOME_UUID]


def _hostile(schema: dict[str, Any]) -> Strategy:
    """Values that are wrong for the schema: the edge cases, and random ones of the wrong kind."""
    anything = st.one_of(
        st.text(st.characters(exclude_categories=()), max_size=30),  # lone surrogates included
        st.integers(),
        st.floats(),
        st.datetimes(),  # naive
        st.binary(max_size=10),
    )
    return st.one_of(st.sampled_from(_edges(schema)), anything)


@functools.cache
def _drawers(operation_id: str) -> dict[str, tuple[bool, Strategy, Strategy]]:
    """Each argument: whether it may be left out, and its valid and hostile strategies (built
    once: building strategies costs more than drawing from them)."""
    drawers = {}
    for name, (param, spec) in _arguments(operation_id).items():
        optional = param.default is not inspect.Parameter.empty
        valid = _valid(spec.schema)
        drawers[name] = (
            optional,
            st.one_of(st.none(), valid) if optional and param.default is None else valid,
            _hostile(spec.schema),
        )
    return drawers


@st.composite
def _kwargs(draw: st.DrawFn, operation_id: str) -> dict[str, Any]:
    """Keyword arguments for the operation: most drawn valid, up to two drawn hostile, optional
    ones sometimes left out."""
    drawers = _drawers(operation_id)
    spoiled = draw(st.sets(st.sampled_from(sorted(drawers)), max_size=2)) if drawers else set()
    kwargs = {}
    for name, (optional, valid, hostile) in drawers.items():
        if name in spoiled:
            kwargs[name] = draw(hostile)
        elif not (optional and draw(st.booleans())):
            kwargs[name] = draw(valid)
    return kwargs


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
