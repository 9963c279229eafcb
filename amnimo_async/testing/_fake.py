"""FakeAmnimo: the whole amnimo API v1.7 as a local server, for tests, demos and benchmarks."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Literal

import httpx
from starlette.applications import Starlette
from starlette.types import Scope

from ._app import (
    OPERATION_IDS,
    FakeApi,
    FakeStarlette,
    build_routes,
    exception_handlers,
    route_resolver,
)
from ._auth import AuthRegistry, ClientAccount
from ._churn import Churn, ChurnRates
from ._clock import Clock, wall_clock
from ._connections import ConnectionRegistry
from ._data import Dataset
from ._faults import FaultSet
from ._files import FileRoutes
from ._ids import derived_token
from ._journal import Journal
from ._middleware import FaultMiddleware
from ._presign import UrlSigner
from ._profile import DataProfile
from ._ratelimit import TokenBucket
from ._server import FakeServer
from ._state import World

ASGI_ORIGIN = "http://fake.local"


class FakeAmnimo:
    """The amnimo API as a local fake, strict enough that code passing against it works for real.

    Use it in process over ``httpx.ASGITransport``::

        fake = FakeAmnimo(seed=1)
        async with httpx.AsyncClient(transport=fake.asgi_transport(),
                                     base_url=fake.asgi_base_url) as http: ...

    or on a loopback port::

        with fake.serve() as server:
            AsyncAmnimo(server.client_id, server.secret_key, base_url=server.base_url)

    Arguments: ``seed`` and ``profile`` fix the data; ``rate``/``burst`` the token bucket of
    each client (``rate=None``: no limit); ``token_lifetime`` seconds and ``token_quota``
    tokens per client per month (None: no quota); ``media_processing_delay`` seconds from
    createMedia to COMPLETED; ``clock`` replaces ``time.time`` (token expiry, media, HLS,
    ports, presigned URLs) and also drives the rate-limit buckets (else ``time.monotonic``);
    ``strict`` rejects unknown parameters and loose formats; ``retry_after`` adds a
    Retry-After header to 429 answers (seconds, or ``"auto"``: until the bucket has a token);
    ``churn`` makes the lists change on their own at those rates, by the fake's clock, from now
    (:attr:`churn` also takes rates later, steps for exact interleavings, and keeps the log).
    """

    def __init__(
        self,
        seed: int = 1,
        profile: DataProfile | None = None,
        *,
        rate: float | None = 5.0,
        burst: int = 20,
        token_lifetime: float = 7200.0,
        token_quota: int | None = 1000,
        media_processing_delay: float = 2.0,
        clock: Clock | None = None,
        strict: bool = True,
        retry_after: float | Literal["auto"] | None = None,
        churn: ChurnRates | None = None,
    ) -> None:
        if rate is not None and (rate <= 0 or burst < 1):
            raise ValueError("rate must be > 0 and burst >= 1 (rate=None disables the limit)")
        if retry_after is not None and retry_after != "auto" and retry_after < 0:
            raise ValueError("retry_after must be >= 0, 'auto' or None")
        self.seed = seed
        self.profile = profile if profile is not None else DataProfile()
        self.rate = rate
        self.burst = burst
        self.strict = strict
        self.retry_after = retry_after
        self.clock: Clock = clock if clock is not None else wall_clock
        self._bucket_clock: Clock = clock if clock is not None else time.monotonic
        self.world = World(Dataset(seed, self.profile), self.clock, media_processing_delay)
        self.churn = Churn(self.world, seed, self.clock, churn)
        """The changes the fake makes on its own, and their log (see :class:`Churn`)."""
        self.world.before_read = self.churn.catch_up
        self.auth = AuthRegistry(
            seed=seed,
            clock=self.clock,
            bucket_factory=self._new_bucket,
            token_lifetime=token_lifetime,
            token_quota=token_quota,
        )
        self._client = self.auth.add_client()
        self.journal = Journal()
        self.faults = FaultSet(seed, OPERATION_IDS)
        self.connections = ConnectionRegistry()
        signer = UrlSigner(derived_token(seed, "url-signing-key", length=32).encode(), self.clock)
        api = FakeApi(
            world=self.world,
            churn=self.churn,
            auth=self.auth,
            signer=signer,
            clock=self.clock,
            strict=strict,
            throttle_headers=self._throttle_headers,
        )
        routes = build_routes(api, FileRoutes(self.world, signer))
        resolve = route_resolver(routes)
        self.app: Starlette = FakeStarlette(
            routes=routes,
            exception_handlers=exception_handlers(self.clock),
            wrap=lambda inner: FaultMiddleware(
                inner,
                journal=self.journal,
                faults=self.faults,
                resolve=resolve,
                identify=self._identify,
                clock=self.clock,
                registry=self.connections,
                throttle_headers=self._throttle_headers,
            ),
        )

    # --- credentials and ids --------------------------------------------------------------

    @property
    def client_id(self) -> str:
        """The first client ID (more with :meth:`add_client`)."""
        return self._client.client_id

    @property
    def secret_key(self) -> str:
        """The secret key of :attr:`client_id`."""
        return self._client.secret_key

    @property
    def account_id(self) -> str:
        """The root account of the tenant every client sees."""
        return self.world.account_id

    @property
    def subscription_ids(self) -> list[str]:
        """The tenant's subscriptions, in profile order."""
        return self.world.subscription_ids

    def add_client(self, client_id: str | None = None, secret_key: str | None = None) -> tuple[str, str]:
        """Another client ID of the same tenant, with its own bucket and quota."""
        client = self.auth.add_client(client_id, secret_key)
        return client.client_id, client.secret_key

    @property
    def clients(self) -> Mapping[str, ClientAccount]:
        """Every registered client by ID."""
        return self.auth.clients

    def issue_token(self, client_id: str | None = None) -> str:
        """A valid access token for a client without an HTTP call (no quota, no journal)."""
        client = self.auth.clients[client_id or self.client_id]
        token, _ = self.auth.issue(client, count=False)
        return token

    def issued_tokens(self) -> list[str]:
        """Every access token this fake issued (expired ones included): for tests that check a
        token never shows up where it should not."""
        return self.auth.issued_tokens()

    def expire_all_tokens(self) -> None:
        """Make every token issued so far expired now (calls with them get 403)."""
        self.auth.expire_all()

    # --- serving --------------------------------------------------------------------------

    @property
    def asgi_base_url(self) -> str:
        """The base URL to use with :meth:`asgi_transport`."""
        return f"{ASGI_ORIGIN}/ex"

    def asgi_transport(self) -> httpx.ASGITransport:
        """An httpx transport calling the app in process (no socket)."""
        return httpx.ASGITransport(app=self.app)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> FakeServer[FakeAmnimo]:
        """A uvicorn server of this fake on ``host``:``port`` (0: a free port).

        Use as ``with fake.serve() as server:``; it runs in a background thread.
        """
        return FakeServer(self, host, port)

    # --- internals ------------------------------------------------------------------------

    def _new_bucket(self) -> TokenBucket | None:
        if self.rate is None:
            return None
        return TokenBucket(self.rate, self.burst, self._bucket_clock)

    def _identify(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                return self.auth.identify(value.decode("latin-1"))
        return None

    def _throttle_headers(self, client_id: str | None) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        if self.retry_after == "auto":
            client = self.auth.clients.get(client_id or "")
            bucket = client.bucket if client is not None else None
            wait = bucket.seconds_until_token() if bucket is not None else 1.0
            return {"Retry-After": str(max(1, math.ceil(wait)))}
        return {"Retry-After": str(math.ceil(self.retry_after))}

    def __repr__(self) -> str:
        return f"FakeAmnimo(seed={self.seed}, subscriptions={len(self.subscription_ids)})"
