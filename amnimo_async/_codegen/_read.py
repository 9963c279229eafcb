"""Reading ``openapi.yaml`` into the table's own classes (``amnimo_async._spec``).

Every ``$ref`` to a component (a parameter, a schema, a request body) becomes a named constant of
the generated module, so it reads like the spec: ``SUBSCRIPTION_ID``, ``WIRE_TIMESTAMP``,
``MEDIA_SEARCH_REQUEST``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from .._spec import INTEGER_FORMATS, Location, Parameter, Schema, SpecOperation

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
TIMESTAMP_SCHEMA = "WireTimestamp"  # the one string schema the table knows as a timestamp
BODY_LOCATIONS: Mapping[str, Location] = {
    "application/json": "body",
    "application/x-www-form-urlencoded": "form",
}


def snake(name: str) -> str:
    """``keepAlivePeriod`` -> ``keep_alive_period``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def constant_name(name: str) -> str:
    """``WireTimestamp`` or ``getMedia`` -> ``WIRE_TIMESTAMP``, ``GET_MEDIA``."""
    return snake(name).upper()


@attrs.define
class Table:
    """What the generator writes: the operations, and the constants they share by name."""

    operations: list[SpecOperation] = attrs.field(factory=list)
    constants: dict[str, object] = attrs.field(factory=dict)  # name -> value, in definition order
    enums: list[Enum] = attrs.field(factory=list)


@attrs.frozen
class Enum:
    """An enum class of the SDK: ``x-enum-name`` on a schema with ``enum`` or ``x-known-values``."""

    name: str
    description: str
    values: tuple[Any, ...]
    member_names: tuple[str, ...]
    integer: bool


class SpecReader:
    """Turns the parsed YAML document into a :class:`Table`."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        self.table = Table()

    def read(self) -> Table:
        for path, item in self.spec["paths"].items():
            for method in HTTP_METHODS:
                if method in item:
                    self.table.operations.append(self._operation(path, method, item[method]))
        self._enums(self.spec, set())
        return self.table

    # --- references ---------------------------------------------------------------------------

    def _target(self, ref: str) -> tuple[str, Any]:
        """The component name and node a local ``$ref`` points at."""
        node: Any = self.spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return ref.rsplit("/", 1)[1], node

    def _shared(self, name: str, build: Any) -> Any:
        """The constant ``name``, built once."""
        key = constant_name(name)
        if key not in self.table.constants:
            self.table.constants[key] = build()
        return self.table.constants[key]

    # --- operations ---------------------------------------------------------------------------

    def _operation(self, path: str, method: str, node: Mapping[str, Any]) -> SpecOperation:
        security = node.get("security", self.spec.get("security"))
        parameters = [self._parameter(raw) for raw in node.get("parameters", [])]
        body: Literal["json", "form"] | None = None
        if "requestBody" in node:
            ((content_type, media),) = node["requestBody"]["content"].items()
            location = BODY_LOCATIONS[content_type]
            body = "json" if location == "body" else "form"
            parameters += self._fields(media["schema"], location, node["requestBody"].get("required", False))
        return SpecOperation(
            node["operationId"],
            method.upper(),  # type: ignore[arg-type]
            path,
            bool(node["x-idempotent"]),
            auth="basic" if security == [{"basicAuth": []}] else "bearer",
            tag=node["tags"][0],
            parameters=tuple(parameters),
            body=body,
        )

    def _parameter(self, raw: Mapping[str, Any]) -> Parameter:
        if "$ref" in raw:
            name, node = self._target(raw["$ref"])
            return self._shared(name, lambda: self._parameter(node))  # type: ignore[no-any-return]
        return Parameter(
            raw["name"],
            raw.get("x-python-name", snake(raw["name"])),
            raw["in"],
            bool(raw.get("required", False)),
            self._schema(raw["schema"]),
            **self._extensions(raw),
        )

    def _fields(self, raw: Mapping[str, Any], location: Location, required: bool) -> list[Parameter]:
        """The properties of an object schema as parameters (a component's once, by name)."""
        if "$ref" in raw:
            name, node = self._target(raw["$ref"])
            return list(self._shared(name, lambda: tuple(self._fields(node, location, required))))
        needed = set(raw.get("required", [])) if required else set()
        fields = []
        for name, prop in raw["properties"].items():
            schema = self._schema(prop)
            if schema.kind == "object":
                schema = attrs.evolve(schema, fields=tuple(self._fields(prop, location, name in needed)))
            fields.append(
                Parameter(
                    name,
                    prop.get("x-python-name", snake(name)),
                    location,
                    name in needed,
                    schema,
                    **self._extensions(prop),
                )
            )
        return fields

    @staticmethod
    def _extensions(node: Mapping[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if "x-exclusive-with" in node:
            found["exclusive_with"] = tuple(node["x-exclusive-with"])
        if "x-not-before" in node:
            found["not_before"] = node["x-not-before"]
        if "x-present-when" in node:
            ((field, value),) = node["x-present-when"].items()
            found["present_when"] = (field, value)
        return found

    # --- schemas ------------------------------------------------------------------------------

    def _schema(self, raw: Mapping[str, Any]) -> Schema:
        if "$ref" in raw:
            name, node = self._target(raw["$ref"])
            if name == TIMESTAMP_SCHEMA:
                return self._shared(name, lambda: self._timestamp(node))  # type: ignore[no-any-return]
            return self._shared(name, lambda: self._schema(node))  # type: ignore[no-any-return]
        if "oneOf" in raw:  # a timestamp that also takes fixed words (startHls's dt: "live")
            literals = tuple(alt["const"] for alt in raw["oneOf"] if "const" in alt)
            (other,) = [alt for alt in raw["oneOf"] if "const" not in alt]
            return attrs.evolve(self._schema(other), literals=literals)
        if "const" in raw:
            return Schema("const", choices=(raw["const"],))
        if "enum" in raw:
            return Schema(
                "enum",
                choices=tuple(raw["enum"]),
                choice_names=tuple(raw.get("x-enum-varnames", ())),
                default=raw.get("default"),
            )
        kind = raw.get("type")
        if kind == "integer":
            ceiling = INTEGER_FORMATS.get(raw.get("format", "")) if "maximum" not in raw else None
            return Schema(
                "integer",
                minimum=raw.get("minimum"),
                maximum=raw.get("maximum"),
                ceiling=ceiling,
                clamped_to=raw.get("x-clamped-to"),
                default=raw.get("default"),
            )
        if kind == "boolean":
            return Schema("boolean", default=raw.get("default"))
        if kind == "array":
            return Schema(
                "array",
                items=self._schema(raw["items"]),
                min_items=raw.get("minItems"),
                max_items=raw.get("maxItems"),
            )
        if kind == "object":
            return Schema("object")  # its fields are filled in by _fields
        if kind == "string":
            if raw.get("format") == "uuid":
                return Schema("uuid")
            return Schema("string", min_length=raw.get("minLength"), max_length=raw.get("maxLength"))
        raise ValueError(f"the table has no kind for the schema {dict(raw)}")

    @staticmethod
    def _timestamp(node: Mapping[str, Any]) -> Schema:
        return Schema("timestamp", pattern=node["pattern"], calendar_date=bool(node.get("x-calendar-date")))

    # --- enums --------------------------------------------------------------------------------

    def _enums(self, node: Any, seen: set[str]) -> None:
        """Every schema naming an SDK enum class, in document order."""
        if isinstance(node, Mapping):
            name = node.get("x-enum-name")
            if name is not None and name not in seen:
                seen.add(name)
                values = tuple(node.get("enum", node.get("x-known-values", ())))
                integer = node.get("type") == "integer"
                names = tuple(node.get("x-enum-varnames", ())) or tuple(str(v).upper() for v in values)
                self.table.enums.append(Enum(name, node.get("description", ""), values, names, integer))
            for value in node.values():
                self._enums(value, seen)
        elif isinstance(node, list):
            for value in node:
                self._enums(value, seen)
