"""Unit-test fixtures: a recording fake of the amnimo API behind ``httpx.MockTransport``.

``api`` answers ``/oauth2/token`` with the vendor's sample token, records every request it sees
and answers API calls with what the test queued (``api.reply(...)``) or computed
(``api.respond_with(...)``). ``amnimo`` is an ``AsyncAmnimo`` wired to it, without client-side
rate limiting, with backoff sleeps recorded instead of slept, and with its token in memory: each
client fetches its own, as these tests count (the default cache on disk has tests of its own).
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl

import attrs
import httpx
import pytest

from amnimo_async import AsyncAmnimo, InMemoryTokenCache

BASE_URL = "https://api.test/ex"

# The vendor's sample Basic header decodes to these credentials.
CLIENT_ID = "djc98u3jiedmi283eu928"
SECRET_KEY = "abcdef01234567890"
BASIC = "Basic ZGpjOTh1M2ppZWRtaTI4M2V1OTI4OmFiY2RlZjAxMjM0NTY3ODkw"
TOKEN = "eyJra1example"  # the vendor's sample access_token
BEARER = f"Bearer {TOKEN}"


def token_grant() -> httpx.Response:
    """The token call's answer: :data:`TOKEN`, valid two hours."""
    return httpx.Response(200, json={"access_token": TOKEN, "token_type": "Bearer", "expires_in": 7200})


@contextlib.asynccontextmanager
async def client_on(
    handler: Callable[[httpx.Request], httpx.Response], **options: Any
) -> AsyncIterator[AsyncAmnimo]:
    """An ``AsyncAmnimo`` (no rate limit unless ``rate=`` says, its own token in memory unless
    ``token_cache=`` says) whose requests ``handler`` answers in process; ``options`` go to
    ``AsyncAmnimo``."""
    options.setdefault("rate", None)
    options.setdefault("token_cache", InMemoryTokenCache())
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
        AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL, http_client=http, **options) as client,
    ):
        yield client


# Ids from the vendor's samples.
ACCOUNT = "3d07c219-0a88-45be-9cfc-91e9d095a1e9"
CHILD_ACCOUNT = "0b0db400-304f-c31a-2b57-fb97e467a3e6"
SUB = "d079718b-ff63-45dd-947b-4950c023750f"
CHILD_SUB = "3e871bad-977c-27c2-4cf1-ebe13bee0d66"
CAMERA = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
MEDIA_CAMERA = "cbc3283e-6217-4855-9934-148717cbeefe"
PID = "058d15e1-c249-47bc-9c08-cb16c9e878c4"
DEVICE = "497f6eca-6276-4993-bfeb-53cbbbba6f08"
MEDIA_ID = "b6f0907d-a2cc-4cb3-88e5-2a0982d2e948"
REQUEST_ID = "e006cedc-247a-49e1-a18f-d59bef27dbcb"


@attrs.frozen
class Call:
    """One request as the server saw it."""

    method: str
    path: str  # raw (still percent-encoded) path, without the query
    params: list[tuple[str, str]]
    json: Any  # the decoded JSON body, or None
    form: dict[str, str] | None  # the decoded form body, or None
    headers: httpx.Headers
    content: bytes

    @property
    def query(self) -> Counter[tuple[str, str]]:
        """The query as a multiset: order does not matter, repetition does."""
        return Counter(self.params)


Responder = Callable[[httpx.Request], httpx.Response]


class FakeAPI:
    """Records every request; answers the token call itself and API calls as the test says."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._queue: list[httpx.Response] = []
        self._responder: Responder | None = None

    def reply(
        self,
        status: int = 200,
        json: Any = None,
        *,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Queue the answer to the next API call (answers are used in order, the last repeats)."""
        if content is not None:
            response = httpx.Response(status, content=content, headers=headers)
        elif json is None:
            response = httpx.Response(status, headers=headers)
        else:
            response = httpx.Response(status, json=json, headers=headers)
        self._queue.append(response)

    def respond_with(self, responder: Responder) -> None:
        """Answer API calls with ``responder(request)`` (used when queued answers run out)."""
        self._responder = responder

    def __call__(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        content_type = request.headers.get("Content-Type", "")
        body = json.loads(content) if content and content_type.startswith("application/json") else None
        form = (
            dict(parse_qsl(content.decode(), keep_blank_values=True))
            if content_type.startswith("application/x-www-form-urlencoded")
            else None
        )
        self.calls.append(
            Call(
                method=request.method,
                path=request.url.raw_path.split(b"?", 1)[0].decode("ascii"),
                params=list(request.url.params.multi_items()),
                json=body,
                form=form,
                headers=request.headers,
                content=content,
            )
        )
        if request.url.path == "/ex/oauth2/token":
            return token_grant()
        if self._queue:
            return self._queue.pop(0) if len(self._queue) > 1 else self._queue[0]
        if self._responder is not None:
            return self._responder(request)
        return httpx.Response(500, json=[{"status": "NO ANSWER QUEUED", "message": "test set no answer"}])

    @property
    def token_calls(self) -> list[Call]:
        return [call for call in self.calls if call.path == "/ex/oauth2/token"]

    @property
    def api_calls(self) -> list[Call]:
        return [call for call in self.calls if call.path != "/ex/oauth2/token"]

    def only_call(self) -> Call:
        """The single API call made, after checking it was preceded by exactly one token call."""
        assert len(self.token_calls) == 1, self.token_calls
        assert len(self.api_calls) == 1, self.api_calls
        assert self.calls[0].path == "/ex/oauth2/token"
        return self.api_calls[0]


@pytest.fixture
def api() -> FakeAPI:
    return FakeAPI()


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff delays the client would have slept (it does not sleep in unit tests)."""
    return []


ClientFactory = Callable[..., AsyncAmnimo]


@pytest.fixture
async def make_client(api: FakeAPI, sleeps: list[float]) -> AsyncIterator[ClientFactory]:
    """Build clients on ``api`` (keyword arguments go to ``AsyncAmnimo``); all are closed after."""
    made: list[tuple[AsyncAmnimo, httpx.AsyncClient]] = []

    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def factory(**kwargs: Any) -> AsyncAmnimo:
        http = httpx.AsyncClient(transport=httpx.MockTransport(api))
        kwargs.setdefault("rate", None)
        kwargs.setdefault("token_cache", InMemoryTokenCache())
        client = AsyncAmnimo(CLIENT_ID, SECRET_KEY, base_url=BASE_URL, http_client=http, **kwargs)
        client.transport.sleep = no_sleep
        made.append((client, http))
        return client

    yield factory
    for client, http in made:
        await client.aclose()
        await http.aclose()


@pytest.fixture
def amnimo(make_client: ClientFactory) -> AsyncAmnimo:
    """A client on the recording fake (default retries, no rate limit, no real sleeps)."""
    return make_client()
