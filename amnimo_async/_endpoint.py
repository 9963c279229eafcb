"""The machinery every operation module shares, so a module states only what is its own.

An operation module (``amnimo_async/api/<group>/<operation>.py``) takes its ``OPERATION`` from
the generated table (``_operations.py``), declares a ``_get_kwargs(...)`` whose signature is the
operation's arguments and which builds the checked request (``api/_params.build_request``), and a
``_parse_response`` (``json_parser(Model)`` for a JSON answer). ``Endpoint(OPERATION, _get_kwargs,
_parse_response)`` then gives it the public ``asyncio_detailed`` and ``asyncio`` functions with
``_get_kwargs``'s signature, and their blocking twins ``sync_detailed`` and ``sync``, which take
a :class:`SyncClientLike` (such as :class:`amnimo_async.Amnimo`) that runs them to completion::

    asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar

import httpx

from ._request import Operation, Request, parse_json
from ._response import Response

if TYPE_CHECKING:
    from ._transport import Transport

P = ParamSpec("P")
T = TypeVar("T")


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

        returns = _shown(inspect.signature(parse).return_annotation)
        self.asyncio_detailed = _describe(asyncio_detailed, build, operation, f"Response[{returns}]")
        self.asyncio = _describe(asyncio, build, operation, returns)
        self.sync_detailed = _describe(
            sync_detailed, build, operation, f"Response[{returns}]", client="SyncClientLike"
        )
        self.sync = _describe(sync, build, operation, returns, client="SyncClientLike")

    @property
    def functions(
        self,
    ) -> tuple[
        Callable[Concatenate[ClientLike, P], Coroutine[Any, Any, Response[T]]],
        Callable[Concatenate[ClientLike, P], Coroutine[Any, Any, T]],
        Callable[Concatenate[SyncClientLike, P], Response[T]],
        Callable[Concatenate[SyncClientLike, P], T],
    ]:
        """``asyncio_detailed``, ``asyncio``, ``sync_detailed`` and ``sync``, for a module to export."""
        return self.asyncio_detailed, self.asyncio, self.sync_detailed, self.sync

    async def send(self, client: ClientLike, request: Request) -> T:
        """Send a request :meth:`build` made earlier (checked before a flow starts) and parse it."""
        return (await client.transport.send(request, self.parse)).parsed

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
    summary = inspect.cleandoc(build.__doc__) if build.__doc__ else operation.operation_id
    fn.__doc__ = f"{summary}\n\n{operation.method} {operation.path}"
    return fn


def json_parser(model: type[T]) -> Callable[[httpx.Response], T]:
    """The parser of a JSON answer into ``model`` (a model class, or e.g. ``tuple[Media, ...]``),
    annotated with it so the endpoint's signature and ``typing.get_type_hints`` show it."""

    def parse(response: httpx.Response) -> T:
        return parse_json(response, model)

    parse.__annotations__ = {"response": httpx.Response, "return": model}
    return parse


def _shown(annotation: Any) -> str:
    """An annotation as a reader writes it: ``Camera``, ``tuple[Media, ...]``."""
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    return inspect.formatannotation(annotation).replace("amnimo_async._models.", "")


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
