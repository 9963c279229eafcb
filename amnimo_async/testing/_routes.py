"""The fake's routes, one per operation of the table (``amnimo_async._operations``), under ``/ex``.

Each route is named by its operationId and runs the same steps before its handler: authenticate
(401, or 403 for an expired token), take a token from the client's bucket (429), then validate
the query, the body and the path ids against the table (400). A method the path does not have
answers 405 with every method of the path in ``Allow``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .._operations import OPERATIONS
from .._spec import SpecOperation
from ._auth import ClientAccount
from ._clock import Clock
from ._errors import ApiError, error_body
from ._validation import Query, check_body, check_path, parse_form_body, parse_json_body, parse_query

API_PREFIX = "/ex"

API_ROUTES: tuple[tuple[str, str, str], ...] = tuple(
    (operation.operation_id, operation.method, operation.path) for operation in OPERATIONS.values()
)
"""(operationId, method, path below ``/ex``) of every API operation."""

OPERATION_IDS: tuple[str, ...] = tuple(OPERATIONS)


@attrs.frozen
class Call:
    """A request that passed the shared steps: its caller, path ids, query and body values."""

    client: ClientAccount
    ids: Mapping[str, str | None]
    query: Query
    body: Mapping[str, Any]


Handler = Callable[[Request, Call], Awaitable[Response]]


class Steps:
    """The steps every operation runs before its handler (authentication, metering, validation)."""

    def __init__(
        self,
        *,
        authenticate: Callable[[SpecOperation, Request], ClientAccount],
        strict: bool,
    ) -> None:
        self.authenticate = authenticate
        self.strict = strict

    async def call(self, operation: SpecOperation, request: Request) -> Call:
        client = self.authenticate(operation, request)
        query = parse_query(
            request.query_params.multi_items(), operation.located("query"), strict=self.strict
        )
        body: Mapping[str, Any] = {}
        if operation.body is not None:
            raw = await request.body()
            content_type = request.headers.get("content-type")
            fields = operation.located("form" if operation.body == "form" else "body")
            parsed = (
                parse_form_body(raw, content_type)
                if operation.body == "form"
                else parse_json_body(raw, content_type, strict=self.strict)
            )
            body = check_body(parsed, fields, strict=self.strict)
        ids = check_path(operation.located("path"), request.path_params, strict=self.strict)
        return Call(client, ids, query, body)


class OperationRoute(Route):
    """A route of one operation; another method of its path answers 405 listing all of them."""

    def __init__(self, operation: SpecOperation, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        super().__init__(
            API_PREFIX + operation.path, endpoint, methods=[operation.method], name=operation.operation_id
        )
        methods = [op.method for op in OPERATIONS.values() if op.path == operation.path]
        self.allow = ", ".join([*methods, "HEAD"] if "GET" in methods else methods)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            raise HTTPException(status_code=405, headers={"Allow": self.allow})
        await super().handle(scope, receive, send)


def operation_routes(steps: Steps, handlers: object) -> list[BaseRoute]:
    """One route per operation, its handler the method of ``handlers`` named after the
    operationId in snake_case (``listCameras`` -> ``list_cameras(request, call)``)."""

    def route(operation: SpecOperation) -> BaseRoute:
        handler: Handler = getattr(handlers, _snake(operation.operation_id))

        async def endpoint(request: Request) -> Response:
            return await handler(request, await steps.call(operation, request))

        return OperationRoute(operation, endpoint)

    return [route(operation) for operation in OPERATIONS.values()]


def _snake(operation_id: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation_id)


class FakeStarlette(Starlette):
    """A Starlette app whose outermost layer is the fake's journal-and-faults middleware."""

    def __init__(
        self,
        *,
        routes: list[BaseRoute],
        exception_handlers: Mapping[Any, Any],
        wrap: Callable[[ASGIApp], ASGIApp],
    ) -> None:
        super().__init__(routes=routes, exception_handlers=exception_handlers)
        self.router.redirect_slashes = False
        self._wrap = wrap

    def build_middleware_stack(self) -> ASGIApp:
        return self._wrap(super().build_middleware_stack())


def route_resolver(routes: list[BaseRoute]) -> Callable[[Scope], str | None]:
    """A function naming the route (operationId) a request goes to, or None."""

    def resolve(scope: Scope) -> str | None:
        for route in routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return getattr(route, "name", None)
        return None

    return resolve


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return JSONResponse(data, status_code=status, headers=dict(headers or {}))


def exception_handlers(clock: Clock) -> dict[Any, Callable[[Request, Exception], Response]]:
    """Handlers writing every error (ours, routing, unexpected) as the documented body."""

    def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return json_response(
            error_body(exc.status, exc.message, exc.details, clock()), exc.status, exc.headers
        )

    def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = "Not Found" if exc.status_code == 404 else str(exc.detail)
        headers = dict(exc.headers or {})
        return json_response(error_body(exc.status_code, message, None, clock()), exc.status_code, headers)

    def server_error(request: Request, exc: Exception) -> Response:
        return json_response(error_body(500, "Internal Server Error", None, clock()), 500)

    return {ApiError: api_error, HTTPException: http_error, Exception: server_error}
