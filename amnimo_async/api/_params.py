"""Arguments checked against the operation table, and the request built from them.

Every endpoint module's ``_get_kwargs`` ends in ``build_request(OPERATION, **locals())``: each
Python argument is checked by its spec parameter (kind, bounds, choices, and the ``x-``
extensions: ``x-exclusive-with``, ``x-not-before``, ``x-present-when``), every error a
:class:`ValidationError` naming the argument and what it allows, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache, partial
from typing import Any

import attrs

from .._arguments import (
    INT64_MAX,
    boolean,
    choice,
    integer,
    shown,
    string_list,
    text,
    time_range,
    timestamp,
    uuid_string,
)
from .._errors import ValidationError
from .._request import Request
from .._spec import Parameter, Schema, SpecOperation

# Ids the API types as plain strings (mediaId, portId, requestId) are short in practice (uuids,
# "POE0"); a much longer one would make a URL servers refuse (httpx itself stops at 64 KiB).
MAX_ID_LENGTH = 256


Checker = Callable[[str, object], Any]
"""A parameter's check, made once: (the argument's name for errors, the value) -> the wire value."""


@attrs.frozen
class _Step:
    """One leaf parameter of an operation, with its check chosen once."""

    python: str
    name: str  # the wire name
    location: str
    wire_path: tuple[str, ...]
    check: Checker | None  # None for a const: ``fixed`` is sent
    fixed: object
    omissible: bool  # None leaves it out


@attrs.frozen
class _Plan:
    """What ``build_request`` needs to know of an operation, worked out once per operation."""

    steps: tuple[_Step, ...]
    expected: frozenset[str]  # the Python names of the arguments
    by_wire: Mapping[str, Parameter]
    exclusive: tuple[Parameter, ...]  # those with x-exclusive-with
    crossed: tuple[Parameter, ...]  # those with x-not-before or x-present-when


@cache
def _plan(operation: SpecOperation) -> _Plan:
    arguments = list(operation.arguments())
    steps = tuple(_step(wire_path, parameter) for wire_path, parameter in arguments)
    leaves = [p for _, p in arguments if p.schema.kind != "const"]
    return _Plan(
        steps=steps,
        expected=frozenset(p.python for p in leaves),
        by_wire={p.name: p for p in leaves},
        exclusive=tuple(p for p in leaves if p.exclusive_with),
        crossed=tuple(p for p in leaves if p.not_before is not None or p.present_when is not None),
    )


def _step(wire_path: tuple[str, ...], parameter: Parameter) -> _Step:
    const = parameter.schema.kind == "const"
    return _Step(
        python=parameter.python,
        name=parameter.name,
        location=parameter.location,
        wire_path=wire_path,
        check=None if const else checker(parameter.schema, parameter.location),
        fixed=parameter.schema.choices[0] if const else None,
        omissible=_omissible(parameter),
    )


_NONE_LEFT_OUT: frozenset[str] = frozenset()


def build_request(operation: SpecOperation, /, **arguments: object) -> Request:
    """The request for ``operation``, its arguments (exactly the operation's, by Python name)
    checked first; ``None`` leaves an optional parameter out."""
    plan = _plan(operation)
    if arguments.keys() != plan.expected:  # a module out of step with the table: a bug, not bad input
        raise TypeError(f"{operation.operation_id} takes {sorted(plan.expected)}, got {sorted(arguments)}")
    left_out = _exclusions(plan.exclusive, arguments, plan.by_wire) if plan.exclusive else _NONE_LEFT_OUT
    path_params: dict[str, str] = {}
    query: dict[str, object] = {}
    body: dict[str, Any] = {}
    for step in plan.steps:
        if step.check is None:
            value = step.fixed
        else:
            given = arguments[step.python]
            if (given is None and step.omissible) or step.name in left_out:
                continue
            value = step.check(step.python, given)
        if step.location == "path":
            path_params[step.name] = str(value)
        elif step.location == "query":
            query[step.name] = value
        else:
            node = body
            for part in step.wire_path[:-1]:
                node = node.setdefault(part, {})
            node[step.wire_path[-1]] = value
    for parameter in plan.crossed:
        _cross_check(parameter, arguments, plan.by_wire)
    if operation.body == "form":
        return operation.request(path_params, query=query, form=body)
    return operation.request(path_params, query=query, json=body if operation.body else None)


def _omissible(parameter: Parameter) -> bool:
    """Whether ``None`` leaves the parameter out: an optional one without a default (with a
    default, the caller passes a value or leaves the default)."""
    return not parameter.required and parameter.schema.default is None


def _exclusions(
    exclusive: tuple[Parameter, ...], arguments: Mapping[str, object], by_wire: Mapping[str, Parameter]
) -> set[str]:
    """The wire names left out because an ``x-exclusive-with`` parameter is given; those must
    be at their defaults (a caller who also asked for a page would not get it)."""
    left_out: set[str] = set()
    for parameter in exclusive:
        if arguments[parameter.python] is None:
            continue
        others = [by_wire[name] for name in parameter.exclusive_with]
        if any(arguments[other.python] != other.schema.default for other in others):
            names = " or ".join(other.python for other in others)
            raise ValidationError(
                parameter.python, f"cannot be combined with {names} (the API takes {parameter.name} alone)"
            )
        left_out.update(parameter.exclusive_with)
    return left_out


def _cross_check(
    parameter: Parameter, arguments: Mapping[str, object], by_wire: Mapping[str, Parameter]
) -> None:
    """The rules between two arguments: ``x-not-before`` and ``x-present-when``."""
    value = arguments[parameter.python]
    if parameter.not_before is not None:
        start = by_wire[parameter.not_before]
        earlier = arguments[start.python]
        if isinstance(value, datetime) and isinstance(earlier, datetime):
            time_range(start.python, earlier, parameter.python, value)
    if parameter.present_when is not None:
        name, wanted = parameter.present_when
        field = by_wire[name]
        when = f"{field.python} is {_label(field.schema, wanted)}"
        if arguments[field.python] == wanted and value is None:
            raise ValidationError(parameter.python, f"is required when {when}: {_allowed(parameter.schema)}")
        if arguments[field.python] != wanted and value is not None:
            raise ValidationError(parameter.python, f"is only allowed when {when}")


def checker(schema: Schema, location: str) -> Checker:
    """The check of a parameter with ``schema`` sent in ``location``, its bounds bound in once."""
    if schema.kind == "uuid":
        return uuid_string
    if schema.kind == "integer":
        return partial(integer, minimum=_minimum(schema), maximum=schema.maximum, ceiling=_ceiling(schema))
    if schema.kind == "boolean":
        return boolean
    if schema.kind == "enum":
        if all(isinstance(c, str) for c in schema.choices):
            return partial(choice, allowed=schema.choices)
        return partial(_integer_choice, schema=schema)
    if schema.kind == "timestamp":
        return partial(_timestamp, literals=schema.literals) if schema.literals else timestamp
    if schema.kind == "array":
        assert schema.items is not None
        return partial(_array, schema=schema, item=checker(schema.items, location))
    if schema.kind == "string":
        if location in ("path", "query") and schema.max_length is None:
            return partial(_free_id, path_segment=location == "path")
        return partial(text, min_length=schema.min_length or 0, max_length=schema.max_length)
    raise AssertionError(f"no check for a {schema.kind} parameter")


def _timestamp(name: str, value: object, *, literals: tuple[str, ...]) -> str:
    """A timestamp, or one of the other strings the parameter also takes (startHls's ``live``)."""
    if isinstance(value, str) and value in literals:
        return value
    if not isinstance(value, datetime):
        words = " or ".join(f'"{word}"' for word in literals)
        raise ValidationError(name, f"must be {words} or a timezone-aware datetime, got {shown(value)}")
    return timestamp(name, value)


def _minimum(schema: Schema) -> int:
    return schema.minimum if schema.minimum is not None else -INT64_MAX - 1


def _ceiling(schema: Schema) -> int:
    return schema.ceiling if schema.ceiling is not None else INT64_MAX


def _allowed(schema: Schema) -> str:
    if schema.kind == "integer" and schema.maximum is None:
        return f"an integer, at least {_minimum(schema)}"
    return schema.kind


def _label(schema: Schema, value: object) -> str:
    """``RESET (2)`` for a named enum value, else the value."""
    if value in schema.choices and schema.choice_names:
        return f"{schema.choice_names[schema.choices.index(value)]} ({value})"
    return str(value)


def _integer_choice(name: str, value: object, *, schema: Schema) -> int:
    """One of the integers of a closed set (an ``IntEnum`` member as its value)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in schema.choices:
        labels = [f"{c} ({n})" for c, n in zip(schema.choices, schema.choice_names, strict=True)] or [
            str(c) for c in schema.choices
        ]
        listed = ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else labels[0]
        low, high = min(schema.choices), max(schema.choices)
        raise ValidationError(
            name, f"must be {listed}: an integer at least {low} and at most {high}, got {shown(value)}"
        )
    return int(value)


def _array(name: str, value: object, *, schema: Schema, item: Checker) -> list[Any]:
    """A list argument (not a bare string), each item checked as ``name[i]``, its length bounded."""
    noun = name.replace("_", " ")
    checked = [item(f"{name}[{i}]", each) for i, each in enumerate(string_list(name, value, item=noun))]  # type: ignore[arg-type]
    low, high = schema.min_items or 0, schema.max_items
    if len(checked) < low or (high is not None and len(checked) > high):
        bound = f"{low} to {high}" if high is not None else f"at least {low}"
        raise ValidationError(name, f"must hold {bound} {noun}, got {len(checked)}")
    return checked


def _free_id(name: str, value: object, *, path_segment: bool) -> str:
    """An id the API types as a plain string, sent in the URL; as one path segment, "." and ".."
    would name another resource."""
    checked = text(name, value)
    if len(checked) > MAX_ID_LENGTH:
        raise ValidationError(
            name,
            f"must be 1 to {MAX_ID_LENGTH} characters long (a longer id would not fit a URL), "
            f"got {len(checked)}",
        )
    if path_segment and checked in (".", ".."):
        raise ValidationError(
            name, f"cannot be {checked!r}: in a URL path it means this or the parent folder"
        )
    return checked


def partition(subscription_id: object) -> dict[str, str]:
    """The ``{subscriptionId}`` path parameter."""
    return {"subscriptionId": uuid_string("subscription_id", subscription_id)}
