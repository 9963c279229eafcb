"""The machinery every operation module shares, so a module states only what is its own.

An operation module (``amnimo_async/api/<group>/<operation>.py``) declares its :class:`Operation`,
a ``_get_kwargs(...)`` that validates the arguments and builds a :class:`Request`, and a
``_parse_response(response)``; ``Endpoint(OPERATION, _get_kwargs, _parse_response)`` then gives it
the public ``asyncio_detailed`` and ``asyncio`` functions with ``_get_kwargs``'s signature, and
their blocking twins ``sync_detailed`` and ``sync``, which take a :class:`SyncClientLike` (such
as :class:`amnimo_async.Amnimo`) that runs them to completion.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, Generic, Literal, ParamSpec, Protocol, TypeVar
from urllib.parse import quote

import attrs
import cattrs
import httpx

from ._converter import structure, wire_name
from ._errors import UNDECODABLE_JSON, AmnimoError
from ._response import Response

if TYPE_CHECKING:
    from ._transport import Transport

P = ParamSpec("P")
T = TypeVar("T")

QueryParams = tuple[tuple[str, str], ...]


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
            path = path.replace("{" + name + "}", quote(value, safe=""))
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


class ClientLike(Protocol):
    """What endpoint functions need from the client they are given: its transport."""

    @property
    def transport(self) -> Transport: ...


class SyncClientLike(Protocol):
    """What the blocking ``sync``/``sync_detailed`` functions need from their client: a way to
    run an async endpoint function to completion.

    ``run(async_fn, *args, **kwargs)`` awaits ``async_fn(async_client, *args, **kwargs)``
    somewhere (:class:`amnimo_async.Amnimo` does it in its event loop thread) and returns the
    result or raises its exception.
    """

    def run(
        self,
        async_fn: Callable[Concatenate[ClientLike, P], Awaitable[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T: ...


class Endpoint(Generic[P, T]):
    """Binds an operation's request builder and parser into its public functions."""

    asyncio_detailed: Callable[Concatenate[ClientLike, P], Coroutine[Any, Any, Response[T]]]
    asyncio: Callable[Concatenate[ClientLike, P], Coroutine[Any, Any, T]]
    sync_detailed: Callable[Concatenate[SyncClientLike, P], Response[T]]
    sync: Callable[Concatenate[SyncClientLike, P], T]

    def __init__(
        self,
        operation: Operation,
        build: Callable[P, Request],
        parse: Callable[[httpx.Response], T],
    ) -> None:
        self.operation = operation
        self.build = build
        self.parse = parse

        async def asyncio_detailed(client: ClientLike, /, *args: P.args, **kwargs: P.kwargs) -> Response[T]:
            return await client.transport.send(build(*args, **kwargs), parse)

        async def asyncio(client: ClientLike, /, *args: P.args, **kwargs: P.kwargs) -> T:
            return (await asyncio_detailed(client, *args, **kwargs)).parsed

        def sync_detailed(client: SyncClientLike, /, *args: P.args, **kwargs: P.kwargs) -> Response[T]:
            return client.run(asyncio_detailed, *args, **kwargs)

        def sync(client: SyncClientLike, /, *args: P.args, **kwargs: P.kwargs) -> T:
            return client.run(asyncio, *args, **kwargs)

        returns = inspect.signature(parse).return_annotation
        self.asyncio_detailed = _describe(asyncio_detailed, build, operation, f"Response[{returns}]")
        self.asyncio = _describe(asyncio, build, operation, returns)
        self.sync_detailed = _describe(
            sync_detailed, build, operation, f"Response[{returns}]", client="SyncClientLike"
        )
        self.sync = _describe(sync, build, operation, returns, client="SyncClientLike")

    @property
    def signature(self) -> inspect.Signature:
        """The arguments of the operation (those of ``_get_kwargs``)."""
        return inspect.signature(self.build)


def _describe(
    fn: Any, build: Callable[..., Request], operation: Operation, returns: Any, *, client: str = "ClientLike"
) -> Any:
    """Give a generated function the module, docstring and signature users should see."""
    signature = inspect.signature(build)
    first = inspect.Parameter("client", inspect.Parameter.POSITIONAL_ONLY, annotation=client)
    fn.__signature__ = signature.replace(
        parameters=[first, *signature.parameters.values()], return_annotation=returns
    )
    fn.__module__ = build.__module__
    fn.__doc__ = f"{build.__doc__ or operation.operation_id}\n\n{operation.method} {operation.path}"
    return fn


def bound(endpoint: Endpoint[Any, Any], client: ClientLike, name: str) -> Callable[..., Any]:
    """``endpoint.asyncio`` with the client bound, keeping the operation's signature and docs."""
    call = endpoint.asyncio

    async def method(*args: Any, **kwargs: Any) -> Any:
        return await call(client, *args, **kwargs)

    method.__signature__ = inspect.signature(call).replace(  # type: ignore[attr-defined]
        parameters=list(endpoint.signature.parameters.values())
    )
    method.__doc__ = call.__doc__
    method.__name__ = method.__qualname__ = name
    return method
