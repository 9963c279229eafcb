"""Arguments for the fuzzed-argument test, drawn from the spec: per operation, the validators of
its parameters and body, its documented answer, its Python arguments with their spec schemas,
and hypothesis strategies drawing each argument valid or hostile (wrong type, out of range,
tricky string, naive or extreme datetime, ...).
"""

from __future__ import annotations

import functools
import inspect
import math
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

import httpx
from hypothesis import strategies as st
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from amnimo_async import PortAction

from ..spec._document import REGISTRY, SPEC_URI, VENDOR_SAMPLES
from ..unit._spec_operations import (
    FIXED_BY_SDK,
    OPERATIONS,
    SpecParam,
    answer_key,
    python_args,
    resolve,
    spec_params,
    success_answer,
)
from ..unit.conftest import BASE_URL

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
