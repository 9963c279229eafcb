"""FaultMiddleware: the outermost layer of the app; journals every request and injects faults."""

from __future__ import annotations

import asyncio
import contextlib
import http
import time
from collections.abc import Callable, Mapping

import attrs
import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._clock import Clock
from ._connections import ConnectionRegistry, hard_reset
from ._errors import error_bytes
from ._faults import Fault, FaultSet
from ._journal import Journal, JournalEntry

CONTEXT_KEY = "amnimo_fake.context"
"""Scope key of the RequestContext (route code fills in the authenticated client)."""

DEFAULT_MALFORMED_BODY = b"<html><body><h1>502 Bad Gateway</h1></body></html>\n"
_MID_BODY_PAUSE = 0.02


@attrs.define
class RequestContext:
    """What the middleware and the routes share about one request."""

    route: str | None
    client_id: str | None


@attrs.define
class _Captured:
    status: int = 0
    headers: list[tuple[bytes, bytes]] = attrs.field(factory=list)
    body: bytearray = attrs.field(factory=bytearray)


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"transfer-encoding")]
    return [*kept, (b"content-length", str(length).encode())]


@attrs.define(eq=False)
class FaultMiddleware:
    """Wraps the API: resolves the route, journals the call, and applies the armed faults."""

    app: ASGIApp
    journal: Journal = attrs.field(kw_only=True)
    faults: FaultSet = attrs.field(kw_only=True)
    resolve: Callable[[Scope], str | None] = attrs.field(kw_only=True)
    identify: Callable[[Scope], str | None] = attrs.field(kw_only=True)
    clock: Clock = attrs.field(kw_only=True)
    registry: ConnectionRegistry = attrs.field(kw_only=True)
    throttle_headers: Callable[[str | None], Mapping[str, str]] = attrs.field(kw_only=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        context = RequestContext(route=self.resolve(scope), client_id=self.identify(scope))
        scope[CONTEXT_KEY] = context
        started, at = time.perf_counter(), self.clock()
        status = 0
        fault_kind: str | None = None
        recorded = False

        def record() -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            self.journal.end(
                JournalEntry(
                    time=at,
                    client_id=context.client_id,
                    method=scope["method"],
                    path=scope["path"],
                    route=context.route,
                    status=status,
                    duration=time.perf_counter() - started,
                    fault=fault_kind,
                )
            )

        async def journaling_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                # Journal before the last byte leaves, so a client that has its answer sees the entry.
                record()
            await send(message)

        self.journal.begin()
        try:
            plan = self.faults.plan(context.route, context.client_id)
            if plan.delay > 0:
                await asyncio.sleep(plan.delay)
            if plan.fault is None:
                await self.app(scope, receive, journaling_send)
            else:
                fault_kind = plan.fault.kind
                await self._inject(plan.fault, context, scope, receive, journaling_send)
        finally:
            record()

    async def _inject(
        self, fault: Fault, context: RequestContext, scope: Scope, receive: Receive, send: Send
    ) -> None:
        kind = fault.kind
        if kind in ("status", "rate_limit", "malformed", "reset"):
            if fault.processed:
                await self._capture(scope, receive)
            if kind == "reset":
                await self._reset(scope, receive)
            elif kind == "malformed":
                body = fault.body if fault.body is not None else DEFAULT_MALFORMED_BODY
                await self._send(send, fault.answer_status, body, fault.content_type or "application/json")
            else:
                status = fault.answer_status
                message = "Too Many Requests" if status == 429 else _phrase(status)
                headers = self.throttle_headers(context.client_id) if status == 429 else {}
                body = error_bytes(status, message, [{"reason": "injected fault"}], self.clock())
                await self._send(send, status, body, "application/json", headers)
            return
        captured = await self._capture(scope, receive)
        body = bytes(captured.body)
        if kind == "truncate":
            cut = body[: max(0, min(len(body) - 1, int(len(body) * fault.keep)))]
            await send(
                {
                    "type": "http.response.start",
                    "status": captured.status,
                    "headers": _with_length(captured.headers, len(cut)),
                }
            )
            await send({"type": "http.response.body", "body": cut, "more_body": False})
        elif kind == "reset_mid_body":
            cut = body[: max(1, int(len(body) * fault.keep))] if body else b""
            await send(
                {
                    "type": "http.response.start",
                    "status": captured.status,
                    "headers": _with_length(captured.headers, len(body) + (0 if body else 1)),
                }
            )
            await send({"type": "http.response.body", "body": cut, "more_body": True})
            await asyncio.sleep(_MID_BODY_PAUSE)
            await self._reset(scope, receive)
        else:  # slow_body
            await send(
                {
                    "type": "http.response.start",
                    "status": captured.status,
                    "headers": _with_length(captured.headers, len(body)),
                }
            )
            transport = self.registry.find(scope)
            for offset in range(0, len(body), fault.chunk_size):
                await asyncio.sleep(fault.chunk_delay)
                if transport is not None and transport.is_closing():
                    return  # the client gave up
                piece = body[offset : offset + fault.chunk_size]
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _capture(self, scope: Scope, receive: Receive) -> _Captured:
        captured = _Captured()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured.status = int(message["status"])
                captured.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                captured.body.extend(message.get("body", b""))

        await self.app(scope, receive, capture)
        return captured

    async def _reset(self, scope: Scope, receive: Receive) -> None:
        transport = self.registry.find(scope)
        if transport is None:
            # Not served by FakeServer (e.g. httpx.ASGITransport): fail the way httpx would.
            raise httpx.ReadError("[Errno 104] Connection reset by peer (FakeAmnimo fault)")
        hard_reset(transport)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(_until_disconnect(receive), timeout=1.0)

    @staticmethod
    async def _send(
        send: Send,
        status: int,
        body: bytes,
        content_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        raw = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body, "more_body": False})


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"
