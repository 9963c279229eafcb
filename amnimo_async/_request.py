"""What a request is, below every layer that sends one: an operation, a request, and the parsers.

The transport sends a :class:`Request` and hands the answer to a parser; the endpoint modules
build requests and name their parsers. Both depend on this leaf, so neither imports the other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal, TypeVar
from urllib.parse import quote, quote_plus

import attrs
import cattrs
import httpx

from ._converter import structure, wire_name
from ._errors import UNDECODABLE_JSON, AmnimoError

T = TypeVar("T")

QueryParams = tuple[tuple[str, str], ...]

# What urllib's quoting leaves alone: most ids, numbers and words on the wire need no escaping,
# and checking for that is several times cheaper than quoting (a request's path and query).
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def quote_segment(text: str) -> str:
    """``text`` as one URL path segment: ``urllib.parse.quote(text, safe="")``."""
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


def encode_query(params: QueryParams) -> str:
    """The query string of ``params``: ``urllib.parse.urlencode(params)``, faster."""
    return "&".join(
        f"{name if _UNRESERVED.fullmatch(name) else quote_plus(name)}="
        f"{value if _UNRESERVED.fullmatch(value) else quote_plus(value)}"
        for name, value in params
    )


@attrs.frozen
class Operation:
    """What is fixed about an API operation: its id, method, path and how it may be retried."""

    operation_id: str
    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    idempotent: bool
    auth: Literal["basic", "bearer"] = "bearer"

    def request(
        self,
        path_params: Mapping[str, str] | None = None,
        *,
        query: Mapping[str, object] | None = None,
        json: object = None,
        form: Mapping[str, str] | None = None,
    ) -> Request:
        """A request for this operation; ``None`` query values are left out, lists repeat."""
        path = self.path
        for name, value in (path_params or {}).items():
            path = path.replace("{" + name + "}", quote_segment(value))
        return Request(self, path, _query(query or {}), json, form)


@attrs.frozen
class Request:
    """A validated request ready for the transport (path relative to the base URL)."""

    operation: Operation
    path: str
    params: QueryParams = ()
    json: object = None
    form: Mapping[str, str] | None = None


def _query(values: Mapping[str, object]) -> QueryParams:
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if item is None:
                continue
            pairs.append((name, ("true" if item else "false") if isinstance(item, bool) else str(item)))
    return tuple(pairs)


class MalformedBodyError(AmnimoError):
    """Raised by a parser for a body that is not what the API documents; the transport turns it
    into a :class:`ResponseValidationError` naming the operation."""


MAX_REASON = 300  # characters of the reason an error carries (a hostile body can nest deeply)
MAX_REASONS = 3  # problems named in it, the first found


def parse_json(response: httpx.Response, model: type[T] | Any) -> T:
    """Decode a JSON body and structure it into ``model`` (a model class or e.g. ``tuple[Media, ...]``)."""
    # Raised after the except blocks, not from them: the decoder's error holds the whole body
    # (``.doc``) and a suppressed ``__context__`` still reaches it (a cut token answer: the token).
    try:
        data = json.loads(response.content)
    except UNDECODABLE_JSON as exc:
        problem = f"body is not JSON ({exc})"
    else:
        try:
            return structure(data, model)  # type: ignore[no-any-return]
        except Exception as exc:
            problem = "; ".join(_reasons(exc))
    raise MalformedBodyError(problem[:MAX_REASON])


def _reasons(error: BaseException) -> list[str]:
    """What is wrong where, the path in wire names (``$.cameras[2].thumbnail.ts``); a loop, not
    recursion, since a hostile body's errors can nest as deep as the recursion limit."""
    found: list[str] = []
    stack: list[tuple[BaseException, str]] = [(error, "$")]
    while stack and len(found) < MAX_REASONS:
        exc, path = stack.pop()
        inner: list[tuple[BaseException, str]] = []
        if isinstance(exc, cattrs.ClassValidationError):
            names = {field.name: wire_name(field) for field in attrs.fields(exc.cl)}
            with_notes, without = exc.group_exceptions()
            inner = [(sub, f"{path}.{names.get(note.name, note.name)}") for sub, note in with_notes]
            inner += [(sub, path) for sub in without]
        elif isinstance(exc, cattrs.IterableValidationError):
            with_index, without = exc.group_exceptions()
            inner = [(sub, f"{path}[{note.index}]") for sub, note in with_index]
            inner += [(sub, path) for sub in without]
        elif isinstance(exc, KeyError):
            found.append(f"required field missing at {path}")
        else:
            found.append(f"{str(exc) or type(exc).__name__} at {path}")
        stack.extend(reversed(inner))
    return found


def parse_nothing(response: httpx.Response) -> None:
    """For answers whose body carries nothing (``DELETE``)."""
    return None
