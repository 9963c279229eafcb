"""Models round-trip: JSON generated from the spec's answer schemas structures into the models and
unstructures back to the same wire JSON.

The generator walks the answer schemas of ``openapi.yaml`` with the keywords they use ($ref, anyOf,
type, properties, required, items, x-known-values, format date-time; lengths and bounds where given)
and stops on a type it does not know: required fields are always there, each optional one is there
or not, objects may carry fields the spec does not know (they go to ``extra`` and come back), open
enums take known and unknown values. The ``{}`` the spec allows among ``childAccounts`` is left out
(it is no account and does not come back; tested on its own). Answer timestamps are generated in the
one form the SDK writes (``yyyy-mm-ddTHH:MM:SS.SSSZ``); other accepted forms come back in that form,
which test_models covers.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amnimo_async import Account, ErrorDetail
from amnimo_async._converter import structure, unstructure

from ..unit._spec_operations import ANSWER_MODELS, OPERATIONS, answer_key, resolve, success_answer

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MS = timedelta(milliseconds=1)
MAX_DEPTH = 4  # arrays deeper than this are empty, so recursive schemas (Account) end
SETTINGS = settings(max_examples=100, derandomize=True, deadline=None, database=None)

# Integers the spec leaves unbounded but which become a datetime or timedelta: the values Python
# can hold (years 1 to 9999; +-999999999 days). Outside them the answer is refused, not kept.
BOUNDS: dict[tuple[str, str], tuple[int, int]] = {
    ("HistorySpan", "s"): (
        (datetime(1, 1, 1, tzinfo=UTC) - EPOCH) // MS,
        (datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC) - EPOCH) // MS,
    ),
    ("HistorySpan", "d"): (timedelta.min // MS + 1, timedelta.max // MS),
}

TEXT = st.text(max_size=10)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
WIRE_TIMES = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999)
).map(
    lambda t: (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond // 1000:03d}Z"
    )
)


def answers(
    schema: dict[str, Any], *, owner: str = "", name: str = "", depth: int = 0
) -> st.SearchStrategy[Any]:
    """Wire JSON valid for ``schema``, leaving out ``{}`` (``maxProperties: 0``) branches of anyOf."""
    if "$ref" in schema:
        owner = schema["$ref"].rsplit("/", 1)[1]
    schema = resolve(schema)
    # Keywords no answer schema uses today: a new one must stop the generator, not be ignored.
    unhandled = {"oneOf", "const", "enum", "pattern", "allOf"} & schema.keys()
    assert not unhandled, f"the generator does not handle {sorted(unhandled)} in {schema}"

    def inner(sub: dict[str, Any], sub_name: str = name, sub_depth: int = depth) -> st.SearchStrategy[Any]:
        return answers(sub, owner=owner, name=sub_name, depth=sub_depth)

    if "anyOf" in schema:
        branches = [b for b in schema["anyOf"] if resolve(b).get("maxProperties") != 0]
        return st.one_of([inner(branch) for branch in branches])
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        known = st.fixed_dictionaries(
            {key: inner(sub, key, depth + 1) for key, sub in properties.items() if key in required},
            optional={
                key: inner(sub, key, depth + 1) for key, sub in properties.items() if key not in required
            },
        )
        unknown = st.dictionaries(TEXT.filter(lambda key: key not in properties), JSON, max_size=2)
        return st.builds(lambda extra, fields: {**extra, **fields}, unknown, known)
    if kind == "array":
        if depth >= MAX_DEPTH:
            return st.just([])
        return st.lists(inner(schema["items"], name, depth + 1), max_size=3)
    if kind == "string":
        if schema.get("format") == "date-time":
            return WIRE_TIMES
        text = st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 20))
        known = schema.get("x-known-values")
        return st.sampled_from(known) | text if known else text
    if kind == "integer":
        low, high = BOUNDS.get((owner, name), (schema.get("minimum"), schema.get("maximum")))
        return st.integers(min_value=low, max_value=high)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    raise AssertionError(f"the generator does not know {schema}")


def answer_schemas() -> dict[str, tuple[dict[str, Any], Any]]:
    """Every documented 200 answer (and the error body) with the type the SDK parses it into."""
    found: dict[str, tuple[dict[str, Any], Any]] = {}
    for operation_id in OPERATIONS:
        _, schema = success_answer(operation_id)
        if schema is not None:
            found[answer_key(schema)] = (schema, ANSWER_MODELS[answer_key(schema)])
    found["Error"] = ({"$ref": "#/components/schemas/Error"}, tuple[ErrorDetail, ...])
    return found


ANSWERS = answer_schemas()
STRATEGIES = {key: answers(schema) for key, (schema, _) in ANSWERS.items()}


def test_every_answer_model_is_generated() -> None:
    assert set(ANSWERS) == set(ANSWER_MODELS) | {"Error"}


def written(value: Any) -> Any:
    """What the SDK writes for ``value``, as JSON text would carry it (tuples become arrays)."""
    return json.loads(json.dumps(unstructure(value), allow_nan=False))


@pytest.mark.parametrize("key", sorted(ANSWERS))
@SETTINGS
@given(data=st.data())
def test_answers_round_trip(key: str, data: st.DataObject) -> None:
    wire = data.draw(STRATEGIES[key], label="wire")
    model = ANSWERS[key][1]
    value = structure(wire, model)
    assert written(value) == wire
    assert structure(written(value), model) == value


def with_empty_children(account: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """``account`` with ``{}`` put among its child accounts, at every level."""
    if "childAccounts" not in account:
        return account
    children: list[Any] = [with_empty_children(child, data) for child in account["childAccounts"]]
    for _ in range(data.draw(st.integers(0, 2))):
        children.insert(data.draw(st.integers(0, len(children))), {})
    return {**account, "childAccounts": children}


@SETTINGS
@given(data=st.data())
def test_empty_child_accounts_are_dropped_and_the_rest_round_trips(data: st.DataObject) -> None:
    """The spec allows ``{}`` among ``childAccounts``; it is no account, so it does not come back."""
    wire = data.draw(STRATEGIES["Account"], label="wire")
    sent = with_empty_children(wire, data)
    assert written(structure(sent, Account)) == wire
