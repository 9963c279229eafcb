"""A scripted stand-in for the API behind httpx.MockTransport, for transport-level tests."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from amnimo_async import AsyncAmnimo, RetryPolicy

CLIENT_ID = "client-1234"
SECRET = "s3cr3t-value-never-logged"
SUB = "d079718b-ff63-45dd-947b-4950c023750f"
CAMERA = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
DEVICE = "3e871bad-977c-27c2-4cf1-ebe13bee0d66"
PAGE = {"total": 0, "page": 0, "size": 500, "cameras": []}
MEDIA = {"id": "b6f0907d-a2cc-4cb3-88e5-2a0982d2e948", "status": "PROCESSING"}

Reply = httpx.Response | Exception
Script = Callable[[httpx.Request], Reply | Awaitable[Reply]]


class ScriptedAPI:
    """Issues numbered tokens; answers API calls from ``script`` (default: an empty camera page)."""

    def __init__(self, script: Script | None = None, *, expires_in: int = 7200) -> None:
        self.script = script
        self.expires_in = expires_in
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.token_failure: Callable[[], httpx.Response | None] = lambda: None
        self._numbers = itertools.count(1)
        self.tokens: list[str] = []

    @property
    def basic(self) -> str:
        return base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            self.token_requests.append(request)
            failure = self.token_failure()
            if failure is not None:
                return failure
            token = f"token-{next(self._numbers)}-{'x' * 16}"
            self.tokens.append(token)
            return httpx.Response(
                200, json={"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
            )
        self.api_requests.append(request)
        if self.script is None:
            return httpx.Response(200, json=PAGE)
        reply = self.script(request)
        if isinstance(reply, Awaitable):
            reply = await reply
        if isinstance(reply, Exception):
            raise reply
        return reply

    def bearer_of(self, request: httpx.Request) -> str:
        return request.headers["Authorization"].removeprefix("Bearer ")


def sequence(*replies: Reply) -> Script:
    """Answer API calls with these replies in turn (the last one repeats)."""
    queue = list(replies)

    def script(request: httpx.Request) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return script


def error(status: int, message: str = "boom", **headers: str) -> httpx.Response:
    body = [{"ts": "2026-01-01T00:00:00.000Z", "status": "ERROR", "message": message, "details": [{}]}]
    return httpx.Response(status, json=body, headers=headers)


def client(api: ScriptedAPI, *, max_retries: int = 3, **kwargs: Any) -> AsyncAmnimo:
    """A client on ``api`` with no client-side rate limit and near-zero backoff."""
    amnimo = AsyncAmnimo(
        CLIENT_ID,
        SECRET,
        base_url="https://api.test/ex",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(api)),
        rate=kwargs.pop("rate", None),
        max_retries=max_retries,
        **kwargs,
    )
    amnimo.transport.retry = RetryPolicy(max_retries=max_retries, backoff_base=0.001, backoff_cap=0.002)
    return amnimo
