"""The vocabulary of the operation table: what ``_operations.py`` (generated from ``openapi.yaml``)
is made of, and what the SDK's argument checks and the fake's request validation both read.

A :class:`SpecOperation` is an :class:`~amnimo_async._request.Operation` (id, method, path,
idempotency, auth) that also knows its parameters and body fields; each :class:`Parameter` holds
a :class:`Schema` narrowed to what both sides check (kind, bounds, choices, default) and the
``x-`` extensions the spec uses for what JSON Schema cannot say.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

import attrs

from ._request import Operation

Kind = Literal["integer", "boolean", "string", "uuid", "timestamp", "enum", "const", "array", "object"]
Location = Literal["path", "query", "body", "form"]

INTEGER_FORMATS = {"int32": 2**31 - 1, "int64": 2**63 - 1}
"""The largest value of each integer ``format``: a ceiling where no ``maximum`` is documented."""


@attrs.frozen
class Schema:
    """The checked part of a parameter's or field's schema.

    ``kind`` "timestamp" is the spec's ``WireTimestamp`` (``literals`` are other strings also
    accepted, such as startHls's ``live``); "enum" a closed set of ``choices`` (``choice_names``
    from ``x-enum-varnames``); "const" a single fixed value (``choices[0]``).
    """

    kind: Kind
    minimum: int | None = None
    maximum: int | None = None
    ceiling: int | None = None  # the integer format's largest value, when no maximum is documented
    clamped_to: int | None = None  # x-clamped-to: the largest value the server honours
    min_length: int | None = None
    max_length: int | None = None
    choices: tuple[Any, ...] = ()
    choice_names: tuple[str, ...] = ()
    literals: tuple[str, ...] = ()
    pattern: str | None = None  # a timestamp's exact form
    calendar_date: bool = False  # x-calendar-date: the date must exist, beyond the pattern
    items: Schema | None = None
    min_items: int | None = None
    max_items: int | None = None
    fields: tuple[Parameter, ...] = ()
    default: Any = None

    @property
    def upper(self) -> int | None:
        """The largest integer allowed: the documented maximum, else the format's ceiling."""
        return self.maximum if self.maximum is not None else self.ceiling


@attrs.frozen
class Parameter:
    """A path, query, form or JSON body parameter (a nested body field lives in ``fields``)."""

    name: str  # the wire name
    python: str  # the SDK's argument name
    location: Location
    required: bool
    schema: Schema
    exclusive_with: tuple[str, ...] = ()  # x-exclusive-with: wire names that must not come along
    not_before: str | None = None  # x-not-before: the wire name of the time this one may not precede
    present_when: tuple[str, Any] | None = None  # x-present-when: (field, value) it comes with, only


@attrs.frozen(cache_hash=True)  # hashed once, not per request: build_request caches its plan by it
class SpecOperation(Operation):
    """An operation with its parameters, as the spec describes it."""

    tag: str = ""
    parameters: tuple[Parameter, ...] = ()
    body: Literal["json", "form"] | None = None

    def located(self, location: Location) -> tuple[Parameter, ...]:
        """The parameters in ``location`` (body fields at the top level only)."""
        return tuple(p for p in self.parameters if p.location == location)

    def parameter(self, name: str) -> Parameter:
        """The parameter or top-level body field with wire name ``name``."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(f"{self.operation_id} has no parameter {name!r}")

    def limit(self, name: str, key: Literal["maximum", "max_items", "clamped_to"]) -> int:
        """A bound of parameter ``name`` that the spec documents (``KeyError`` if it does not)."""
        value = getattr(self.parameter(name).schema, key)
        if value is None:
            raise KeyError(f"{self.operation_id}: {name} has no {key}")
        return int(value)

    def arguments(self) -> Iterator[tuple[tuple[str, ...], Parameter]]:
        """Every leaf parameter with its wire path (``("data", "name")`` for a nested body field):
        one per SDK argument, save the ``const`` ones the SDK fills in itself."""
        stack: list[tuple[tuple[str, ...], Parameter]] = [((p.name,), p) for p in reversed(self.parameters)]
        while stack:
            path, parameter = stack.pop()
            if parameter.schema.kind == "object":
                stack.extend(((*path, f.name), f) for f in reversed(parameter.schema.fields))
            else:
                yield path, parameter

    def argument(self, python: str) -> Parameter:
        """The leaf parameter behind the SDK argument ``python``."""
        for _, parameter in self.arguments():
            if parameter.python == python:
                return parameter
        raise KeyError(f"{self.operation_id} has no argument {python!r}")
