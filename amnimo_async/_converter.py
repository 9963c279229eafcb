"""The one cattrs converter that turns wire JSON into models and back.

Strict where the API is definite (an ``int`` field refuses ``"12"``; a list field refuses a
string), open where it is not (unknown fields go to ``extra``, unknown enum values stay strings).
A model read from the wire writes back the same JSON: a documented field the answer left out
stays out, one it sent (even ``null`` or ``[]``) comes back.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._models import EMPTY, Account, HistorySpan, OpenEnum
from ._timestamps import format_timestamp, from_epoch_ms, parse_timestamp, to_epoch_ms

__all__ = ["converter", "structure", "unstructure"]

T = TypeVar("T")

converter = cattrs.Converter()


class WireExtra(Mapping[str, Any]):
    """The ``extra`` of a model read from the wire: the unknown fields, plus (for writing the model
    back) which of its documented optional fields the answer left out."""

    __slots__ = ("_fields", "absent")

    def __init__(self, fields: Mapping[str, Any], absent: frozenset[str]) -> None:
        self._fields = fields
        self.absent = absent

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return repr(dict(self._fields))


def camel(name: str) -> str:
    """``device_version`` -> ``deviceVersion``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _strict(*accepted: type) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        if isinstance(value, bool) and bool not in accepted:
            raise TypeError(f"expected {accepted[0].__name__}, got bool")
        if not isinstance(value, accepted):
            raise TypeError(f"expected {accepted[0].__name__}, got {type(value).__name__}")
        return value

    return hook


converter.register_structure_hook(str, _strict(str))
converter.register_structure_hook(int, _strict(int))
converter.register_structure_hook(bool, _strict(bool))
converter.register_structure_hook(float, lambda v, _: float(_strict(float, int)(v, _)))


def _structure_datetime(value: Any, _: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected a timestamp string, got {type(value).__name__}")
    return parse_timestamp(value)


converter.register_structure_hook(datetime, _structure_datetime)
converter.register_unstructure_hook(datetime, format_timestamp)


def _structure_epoch_ms(value: Any, _: Any) -> datetime:
    return from_epoch_ms(_strict(int)(value, _))


def _structure_millis(value: Any, _: Any) -> timedelta:
    return timedelta(milliseconds=_strict(int, float)(value, _))


converter.register_structure_hook(timedelta, _structure_millis)
converter.register_unstructure_hook(timedelta, lambda d: d // timedelta(milliseconds=1))


def _mapping_hook(value: Any, _: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


converter.register_structure_hook_func(lambda tp: tp == Mapping[str, Any], _mapping_hook)


def _union_args(tp: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(tp)
    return ()


def _open_enum_of(tp: Any) -> type[OpenEnum] | None:
    for arg in _union_args(tp):
        if isinstance(arg, type) and issubclass(arg, OpenEnum):
            return arg
    return None


def _open_enum_factory(tp: Any) -> Callable[[Any, Any], Any]:
    """``Status | str [| None]``: the member for a known value, the raw string otherwise."""
    enum_cls = _open_enum_of(tp)
    assert enum_cls is not None
    known = {member.value: member for member in enum_cls}
    nullable = type(None) in _union_args(tp)

    def hook(value: Any, _: Any) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {type(value).__name__}")
        return known.get(value, value)

    return hook


converter.register_structure_hook_factory(lambda tp: _open_enum_of(tp) is not None, _open_enum_factory)
converter.register_unstructure_hook_func(
    lambda tp: _open_enum_of(tp) is not None,
    lambda value: value.value if isinstance(value, OpenEnum) else value,
)


def _is_homogeneous_tuple(tp: Any) -> bool:
    args = typing.get_args(tp)
    return typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_factory(tp: Any) -> Callable[[Any, Any], Any]:
    """A JSON array into a tuple; anything else (a string, an object) is refused.

    Past the array check this is cattrs' own homogeneous-tuple structuring with detailed
    validation (``Converter._structure_tuple``, private, hence restated), its item hook looked up once."""
    item_type = typing.get_args(tp)[0]
    item_hook = converter.get_structure_hook(item_type)

    def hook(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise TypeError(f"expected an array, got {type(value).__name__}")
        items = []
        errors: list[Exception] = []  # every failing item, each named by its index
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except Exception as exc:  # noted with its index, so the error names the item
                exc.__notes__ = [  # type: ignore[attr-defined]  # 3.10 has no add_note
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"Structuring {tp} @ index {index}", index, item_type),
                ]
                errors.append(exc)
        if not errors:
            return tuple(items)
        raise IterableValidationError(f"While structuring {tp}", errors, tp)

    return hook


converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_factory)


def _skip_empty_children(data: dict[str, Any]) -> dict[str, Any]:
    children = data.get("childAccounts")
    if isinstance(children, list) and any(child == {} for child in children):
        return {**data, "childAccounts": [child for child in children if child != {}]}
    return data


_PREPARE: dict[type, Callable[[dict[str, Any]], dict[str, Any]]] = {Account: _skip_empty_children}
_FIELD_HOOKS: dict[tuple[type, str], tuple[Callable[[Any, Any], Any], Callable[[Any], Any]]] = {
    (HistorySpan, "start"): (_structure_epoch_ms, to_epoch_ms),
}


def wire_name(field: attrs.Attribute[Any]) -> str:
    """The JSON name of a model field."""
    return str(field.metadata.get("wire") or camel(field.name))


def _model_structure_factory(cls: Any) -> Callable[[Any, Any], Any]:
    overrides: dict[str, Any] = {}
    known: set[str] = set()
    optional: set[str] = set()
    extra_field = None
    for field in attrs.fields(cls):
        if field.metadata.get("extra"):
            extra_field = field.name
            overrides[field.name] = override(omit=True)
            continue
        name = wire_name(field)
        known.add(name)
        if field.default is not attrs.NOTHING:
            optional.add(name)
        hooks = _FIELD_HOOKS.get((cls, field.name))
        overrides[field.name] = override(rename=name, struct_hook=hooks[0] if hooks else None)
    generated = make_dict_structure_fn(cls, converter, **overrides)
    prepare = _PREPARE.get(cls)
    # Models without unknown fields share one WireExtra per pattern of absent fields.
    shared: dict[frozenset[str], WireExtra] = {frozenset(): WireExtra(EMPTY, frozenset())}

    def hook(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"expected an object for {cls.__name__}, got {type(value).__name__}")
        if prepare is not None:
            value = prepare(value)
        obj = generated(value, cls)
        if extra_field is not None:
            unknown = value.keys() - known
            everything = len(value) - len(unknown) == len(known)
            absent = frozenset() if everything else frozenset(optional - value.keys())
            if unknown:
                extra = WireExtra({key: value[key] for key in unknown}, absent)
            else:
                cached = shared.get(absent)
                extra = cached if cached is not None else shared.setdefault(absent, WireExtra(EMPTY, absent))
            object.__setattr__(obj, extra_field, extra)  # frozen: set once, before anyone sees obj
        return obj

    return hook


def _model_unstructure_factory(cls: Any) -> Callable[[Any], dict[str, Any]]:
    overrides: dict[str, Any] = {}
    extra_field = None
    defaults: dict[str, tuple[str, Any]] = {}  # wire name -> (attribute, default) of optional fields
    for field in attrs.fields(cls):
        if field.metadata.get("extra"):
            extra_field = field.name
            overrides[field.name] = override(omit=True)
            continue
        hooks = _FIELD_HOOKS.get((cls, field.name))
        overrides[field.name] = override(rename=wire_name(field), unstruct_hook=hooks[1] if hooks else None)
        if field.default is not attrs.NOTHING:
            defaults[wire_name(field)] = (field.name, field.default)
    generated = make_dict_unstructure_fn(cls, converter, **overrides)

    def hook(obj: Any) -> dict[str, Any]:
        extra = getattr(obj, extra_field) if extra_field else EMPTY
        if not isinstance(extra, WireExtra):  # built in Python: what is None is left out
            data = {key: value for key, value in generated(obj).items() if value is not None}
        else:  # read from the wire: what the answer left out (and still holds its default) stays out
            data = generated(obj)
            for key in extra.absent:
                name, default = defaults[key]
                if getattr(obj, name) == default:
                    del data[key]
        if extra:
            data.update(extra)
        return data

    return hook


converter.register_structure_hook_factory(attrs.has, _model_structure_factory)
converter.register_unstructure_hook_factory(attrs.has, _model_unstructure_factory)


def structure(data: Any, cls: type[T]) -> T:
    """Wire JSON (already decoded) into a model; raises on a shape the API does not document."""
    return converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """A model back into wire JSON (camelCase keys, UTC timestamps, unknown fields restored)."""
    return converter.unstructure(obj)
