"""Models round-trip: JSON generated from the spec's answer schemas structures into the models and
unstructures back to the same wire JSON.

The generator walks the JSON Schemas of ``openapi.yaml`` (type, properties, required, items, $ref,
anyOf/oneOf, enum/const, x-known-values, format date-time, pattern, lengths and bounds): required
fields are always there, each optional one is there or not, objects may carry fields the spec does
not know (they go to ``extra`` and come back), open enums take known and unknown values. Answer
timestamps are generated in the one form the SDK writes (``yyyy-mm-ddTHH:MM:SS.SSSZ``); other
accepted forms come back in that form, which test_models covers.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amnimo_async import Account, Camera, ErrorDetail, Media, MediaMeta, MediaUser
from amnimo_async._converter import structure, unstructure

from ..unit.test_spec_modules import ANSWER_MODELS, OPERATIONS, answer_key, resolve, success_answer

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
    schema: dict[str, Any], *, owner: str = "", name: str = "", depth: int = 0, empty_objects: bool = True
) -> st.SearchStrategy[Any]:
    """Wire JSON valid for ``schema``; ``empty_objects=False`` leaves out ``{}`` branches of anyOf."""
    if "$ref" in schema:
        owner = schema["$ref"].rsplit("/", 1)[1]
    schema = resolve(schema)

    def inner(sub: dict[str, Any], sub_name: str = name, sub_depth: int = depth) -> st.SearchStrategy[Any]:
        return answers(sub, owner=owner, name=sub_name, depth=sub_depth, empty_objects=empty_objects)

    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [b for b in schema[key] if empty_objects or resolve(b).get("maxProperties") != 0]
            return st.one_of([inner(branch) for branch in branches])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([inner({**schema, "type": k}) for k in kind])
    if kind == "object":
        if schema.get("maxProperties") == 0:
            return st.just({})
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
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
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
STRATEGIES = {key: answers(schema, empty_objects=False) for key, (schema, _) in ANSWERS.items()}


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


# --- what a user sees, in examples -----------------------------------------------------------------

CAMERA = "497f6eca-6276-4993-bfeb-53cbbbba6f08"


@pytest.mark.parametrize(
    "wire",
    [
        pytest.param({"id": CAMERA}, id="only-the-id"),
        pytest.param({"id": CAMERA, "tags": []}, id="empty-tags"),
        pytest.param({"id": CAMERA, "thumbnail": None}, id="null-thumbnail"),
        pytest.param(
            {"id": CAMERA, "tags": ["a"], "thumbnail": {"ts": "2025-02-14T15:00:00.000Z"}}, id="full"
        ),
        pytest.param({"id": CAMERA, "displayName": None, "cloudOnly": True}, id="null-and-unknown"),
    ],
)
def test_a_camera_comes_back_with_exactly_its_fields(wire: dict[str, Any]) -> None:
    assert unstructure(structure(wire, Camera)) == wire


def test_a_field_set_after_reading_is_written() -> None:
    camera = attrs.evolve(structure({"id": CAMERA}, Camera), tags=("new",), display_name="Gate")
    assert unstructure(camera) == {"id": CAMERA, "tags": ["new"], "displayName": "Gate"}


def test_a_model_built_in_python_leaves_out_what_is_none() -> None:
    media = Media(id="m-1", name=None, meta=MediaMeta(user=MediaUser()))
    assert unstructure(media) == {"id": "m-1", "meta": {"user": {}}}


def test_reading_keeps_extra_a_plain_mapping_of_the_unknown_fields() -> None:
    camera = structure({"id": CAMERA, "cloudOnly": True}, Camera)
    assert dict(camera.extra) == {"cloudOnly": True}
    assert structure({"id": CAMERA}, Camera).extra == {}
    assert camera == Camera(id=CAMERA)  # extra and what was absent are not part of equality
