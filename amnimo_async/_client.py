"""AsyncAmnimo: the client users hold, with its namespaces bound to the endpoint functions."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Coroutine, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

import httpx

from ._arguments import integer
from ._batch import get_many_cameras
from ._default_token_cache import default_token_cache
from ._endpoint import ClientLike, Endpoint
from ._errors import ConfigurationError, ValidationError
from ._inventory import DEFAULT_CONCURRENCY, KINDS, Inventory, Kind, Progress
from ._live_session import live
from ._media_download import download_media
from ._media_export import export_media
from ._media_wait import wait_for_media
from ._media_watch import watch_media
from ._models import Media
from ._paginate import MEDIA_PAGE_SIZE, iterate_cameras, iterate_external_devices, iterate_media
from ._port_reset import reset_port
from ._ratelimit import DEFAULT_BURST, DEFAULT_RATE, Limiter, RateLimiter
from ._recording_gaps import recording_gaps
from ._redis_option import chosen_redis, shared_backends
from ._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from ._tokens import DEFAULT_REFRESH_MARGIN, TokenCache
from ._transport import DEFAULT_TIMEOUT, Credentials, Transport
from .api.accounts import get_hierarchy
from .api.auth import issue_token
from .api.cameras import get_camera, get_history, list_cameras, list_thumbnails
from .api.devices import (
    get_device_external_devices,
    list_external_devices,
    list_peripherals,
    operate_port,
)
from .api.media import (
    create_media,
    delete_media,
    get_media,
    rename_media,
    search_camera_media,
    search_subscription_media,
)
from .api.streams import start_hls, stop_hls, update_hls

if TYPE_CHECKING:
    from redis.asyncio import Redis

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.amnimo.com/ex"


class Namespace:
    """A group of operations (``amnimo.cameras``, ``amnimo.media``...) bound to one client."""

    def __init__(self, client: AsyncAmnimo) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


class client_method(Generic[P, R]):  # noqa: N801 - used like a decorator-style declaration
    """Declares a namespace method that is exactly ``fn(client, ...)`` with the namespace's client
    bound: ``fn``'s signature (less the client), docstring, and async-ness."""

    def __init__(self, fn: Callable[Concatenate[ClientLike, P], R], name: str | None = None) -> None:
        self.fn = fn
        self.name = name or fn.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> client_method[P, R]: ...
    @overload
    def __get__(self, obj: Namespace, owner: type) -> Callable[P, R]: ...
    def __get__(self, obj: Namespace | None, owner: type) -> Any:
        if obj is None:
            return self
        method = _with_client(self.fn, obj._client)
        signature = inspect.signature(self.fn)
        method.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=list(signature.parameters.values())[1:]
        )
        method.__doc__ = self.fn.__doc__
        method.__name__ = method.__qualname__ = self.name
        obj.__dict__[self.name] = method  # cached: later lookups skip the descriptor
        return method


def _with_client(fn: Callable[..., Any], client: ClientLike) -> Callable[..., Any]:
    """``fn`` with ``client`` as its first argument, a coroutine function if ``fn`` is one."""
    if inspect.iscoroutinefunction(fn):

        async def awaited(*args: Any, **kwargs: Any) -> Any:
            return await fn(client, *args, **kwargs)

        return awaited

    def called(*args: Any, **kwargs: Any) -> Any:
        return fn(client, *args, **kwargs)

    return called


def operation(endpoint: Endpoint[P, T]) -> client_method[P, Coroutine[Any, Any, T]]:
    """A namespace method that is exactly an endpoint's ``asyncio`` with the client bound."""
    return client_method(endpoint.asyncio, endpoint.operation.operation_id)


class Accounts(Namespace):
    """The account hierarchy."""

    hierarchy = operation(get_hierarchy.endpoint)


class Cameras(Namespace):
    """Cameras, their thumbnails and cloud-recording history."""

    list = operation(list_cameras.endpoint)
    get = operation(get_camera.endpoint)
    thumbnails = operation(list_thumbnails.endpoint)
    history = operation(get_history.endpoint)
    iter = client_method(iterate_cameras)
    get_many = client_method(get_many_cameras)
    recording_gaps = client_method(recording_gaps)


class Streams(Namespace):
    """HLS video: start, keep alive, stop; or all three around a block with ``live``."""

    start_hls = operation(start_hls.endpoint)
    update_hls = operation(update_hls.endpoint)
    stop_hls = operation(stop_hls.endpoint)
    live = client_method(live)


class MediaNamespace(Namespace):
    """Clips and snapshots: create, wait for, download (or ``export``: all three), find, manage."""

    create = operation(create_media.endpoint)
    get = operation(get_media.endpoint)
    rename = operation(rename_media.endpoint)
    delete = operation(delete_media.endpoint)
    wait = client_method(wait_for_media)
    download = client_method(download_media)
    export = client_method(export_media)

    iter = client_method(iterate_media)
    watch = client_method(watch_media)

    async def search(
        self,
        subscription_id: str,
        camera_id: str | None = None,
        *,
        categories: Sequence[str] | None = None,
        page_number: int = 0,
        page_size: int = MEDIA_PAGE_SIZE,
        sort_dir: str = "desc",
    ) -> tuple[Media, ...]:
        """One page of media of a subscription, or of one camera when ``camera_id`` is given."""
        search = (
            partial(search_subscription_media.asyncio, self._client, subscription_id)
            if camera_id is None
            else partial(search_camera_media.asyncio, self._client, subscription_id, camera_id)
        )
        return await search(
            categories=categories, page_number=page_number, page_size=page_size, sort_dir=sort_dir
        )


class Devices(Namespace):
    """Edge devices: their external devices and ports."""

    list_external = operation(list_external_devices.endpoint)
    external = operation(get_device_external_devices.endpoint)
    peripherals = operation(list_peripherals.endpoint)
    operate_port = operation(operate_port.endpoint)
    reset_port = client_method(reset_port)

    iter_external = client_method(iterate_external_devices)


class AsyncAmnimo:
    """The amnimo API client for asyncio.

    ::

        async with AsyncAmnimo(client_id, secret_key) as amnimo:
            root = await amnimo.accounts.hierarchy(account_id)
            for sub in root.subscription_ids():
                page = await amnimo.cameras.list(sub)

    Credentials and base URL fall back to ``AMNIMO_CLIENT_ID``, ``AMNIMO_SECRET_KEY`` and
    ``AMNIMO_BASE_URL``. Every call, token calls included, shares one rate limiter (by default the
    API's documented bucket: ``rate`` 5 requests/s, ``burst`` 20; ``rate_limiter`` replaces it
    with any :class:`Limiter`, such as one a fleet shares) and one token.

    Tokens outlive the process (the API allows 1,000 token calls a month): without
    ``token_cache``, ``AMNIMO_TOKEN_CACHE`` chooses (``memory``, a directory, or a ``redis://``
    URL), else a :class:`FileTokenCache` in the user cache directory when it is writable.

    Both limits belong to the client ID, not to the process. ``redis_url`` (a ``redis://``,
    ``rediss://`` or ``unix://`` URL, or an existing ``redis.asyncio.Redis``; else
    ``AMNIMO_REDIS_URL``) shares the token and the bucket with every process and machine using the
    same Redis (the ``[redis]`` extra): one token call per token lifetime and one rate-limit
    bucket for the whole fleet. ``token_cache`` or ``rate_limiter`` given explicitly wins for its
    part. When Redis fails the client carries on locally (tokens in the file cache, a share of the
    rate) and goes back to Redis when it returns. What the client builds it closes with itself; a
    ``redis.asyncio.Redis`` passed in stays yours.

    ::

        async with AsyncAmnimo(client_id, secret_key, redis_url="redis://redis:6379/0") as amnimo:
            ...
    """

    def __init__(
        self,
        client_id: str | None = None,
        secret_key: str | None = None,
        *,
        base_url: str | None = None,
        rate: float | None = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        token_cache: TokenCache | None = None,
        http_client: httpx.AsyncClient | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        rate_limiter: Limiter | None = None,
        redis_url: str | Redis | None = None,
    ) -> None:
        client_id = client_id or os.environ.get("AMNIMO_CLIENT_ID")
        secret_key = secret_key or os.environ.get("AMNIMO_SECRET_KEY")
        if not client_id or not secret_key:
            missing = " and ".join(
                n for n, v in (("client_id", client_id), ("secret_key", secret_key)) if not v
            )
            raise ConfigurationError(
                f"amnimo credentials missing ({missing}): pass client_id and secret_key to the client, "
                "or set the AMNIMO_CLIENT_ID and AMNIMO_SECRET_KEY environment variables"
            )
        base_url = base_url or os.environ.get("AMNIMO_BASE_URL") or DEFAULT_BASE_URL
        if not base_url.startswith(("https://", "http://")):
            raise ValidationError("base_url", f"must be an http(s) URL, got {base_url!r}")
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate <= 0):
            raise ValidationError(
                "rate", f"must be a positive number of requests per second, or None, got {rate!r}"
            )
        integer("burst", burst, minimum=1)
        integer("max_retries", max_retries, minimum=0)
        if rate_limiter is not None and not _is_limiter(rate_limiter):
            raise ValidationError(
                "rate_limiter",
                "must be a rate limiter with async acquire() and async slow_down(pause, granted_at=None) "
                f"methods, or None, got {type(rate_limiter).__name__}",
            )
        if token_cache is not None and not isinstance(token_cache, TokenCache):
            raise ValidationError(
                "token_cache",
                "must be a token cache with load, store, clear and lock methods, or None, "
                f"got {type(token_cache).__name__}",
            )
        redis = chosen_redis(redis_url)
        # What the client builds itself (a cache or limiter on Redis holds connections) is the
        # client's to close; what was passed in is left open.
        self._owned: list[Any] = []
        if redis is not None:
            shared = shared_backends(
                redis,
                base_url=base_url,
                client_id=client_id,
                rate=rate,
                burst=burst,
                token_cache=token_cache,
                rate_limiter=rate_limiter,
            )
            token_cache, rate_limiter, self._owned = shared.token_cache, shared.rate_limiter, shared.owned
        if token_cache is None:
            token_cache = default_token_cache()
            self._owned.append(token_cache)
        self.transport = Transport(
            base_url=base_url,
            credentials=Credentials(client_id, secret_key),
            fetch_grant=lambda: issue_token.asyncio(self),
            token_cache=token_cache,
            limiter=rate_limiter if rate_limiter is not None else RateLimiter(rate, burst),
            retry=RetryPolicy(max_retries=max_retries),
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            http_client=http_client,
            refresh_margin=refresh_margin,
        )
        self.accounts = Accounts(self)
        self.cameras = Cameras(self)
        self.streams = Streams(self)
        self.media = MediaNamespace(self)
        self.devices = Devices(self)

    def inventory(
        self,
        account_id: str,
        *,
        include: Iterable[Kind] | str = KINDS,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: Callable[[Progress], Any] | None = None,
        since: datetime | None = None,
    ) -> Inventory:
        """Sweep the hierarchy under ``account_id``: ``async for record in ...`` yields every camera,
        media and external device (``include`` chooses), then ``.summary`` holds the counts.

        ``on_progress`` is called with a :class:`Progress` as pages complete (for a progress bar).
        ``since`` (an aware datetime) limits the media to those requested after it.
        """
        return Inventory(
            self, account_id, include=include, concurrency=concurrency, on_progress=on_progress, since=since
        )

    async def aclose(self) -> None:
        """Close the connections, and what the client built itself (the HTTP client, a token
        cache, a Redis link); an ``http_client``, ``token_cache``, ``rate_limiter`` or Redis client
        passed in is left open."""
        await self.transport.aclose()
        for resource in self._owned:
            close = getattr(resource, "aclose", None)
            if callable(close):
                await close()

    async def __aenter__(self) -> AsyncAmnimo:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        transport = self.transport
        return f"<AsyncAmnimo base_url={transport.base_url!r} client_id={transport.credentials.client_id!r}>"


def _is_limiter(value: object) -> bool:
    """Whether ``value`` has the :class:`Limiter` protocol's methods, both coroutine functions."""
    return isinstance(value, Limiter) and all(
        inspect.iscoroutinefunction(getattr(value, name)) for name in ("acquire", "slow_down")
    )
