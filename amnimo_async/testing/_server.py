"""FakeServer: a FakeAmnimo served by uvicorn on loopback, in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar, overload

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._connections import ConnectionRegistry
from ._faults import FaultSet
from ._journal import Journal
from ._state import World

_START_TIMEOUT = 10.0

T = TypeVar("T")


class Servable(Protocol):
    """What a server needs of the fake it serves: its ASGI app and its connection registry."""

    @property
    def app(self) -> ASGIApp: ...

    @property
    def connections(self) -> ConnectionRegistry: ...


FakeT = TypeVar("FakeT", bound=Servable)


def protocol_class(registry: ConnectionRegistry) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol, registering each connection's transport for TCP-reset faults."""

    class ResettableH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            registry.register(self.server, self.client, transport)

        def connection_lost(self, exc: Exception | None) -> None:
            registry.unregister(self.server, self.client)
            super().connection_lost(exc)

    return ResettableH11Protocol


def uvicorn_config(fake: Servable, *, log_level: str = "warning", access_log: bool = False) -> uvicorn.Config:
    """The uvicorn configuration the fake is served with."""
    return uvicorn.Config(
        fake.app,
        http=protocol_class(fake.connections),
        ws="none",
        lifespan="off",
        loop="asyncio",
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=1,
        timeout_keep_alive=5,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP, and without it every answer on a kept-alive connection waits ~40 ms (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


class _OfTheFake(Generic[T]):
    """A server attribute that is the served fake's attribute of the same name."""

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, server: None, owner: type) -> _OfTheFake[T]: ...
    @overload
    def __get__(self, server: FakeServer[Any], owner: type) -> T: ...
    def __get__(self, server: FakeServer[Any] | None, owner: type) -> Any:
        return self if server is None else getattr(server.fake, self.name)


class FakeServer(Generic[FakeT]):
    """A running FakeAmnimo on ``base_url`` (``http://127.0.0.1:PORT/ex``).

    Made by ``fake.serve()``; use it as a context manager (it stops and closes the port on
    exit). It exposes the fake's credentials, ids, journal, faults and world for tests.
    """

    client_id = _OfTheFake[str]("The fake's first client ID.")
    secret_key = _OfTheFake[str]("The secret key of :attr:`client_id`.")
    account_id = _OfTheFake[str]("The root account of the tenant.")
    subscription_ids = _OfTheFake[list[str]]("The tenant's subscriptions in profile order.")
    journal = _OfTheFake[Journal]("Every request served.")
    faults = _OfTheFake[FaultSet]("Armed faults.")
    world = _OfTheFake[World]("The data, for assertions.")
    expire_all_tokens = _OfTheFake[Callable[[], None]](
        "Make every token issued so far expired now (see FakeAmnimo.expire_all_tokens)."
    )
    add_client = _OfTheFake[Callable[[], tuple[str, str]]](
        "Another client ID and secret of the same tenant (see FakeAmnimo.add_client)."
    )

    def __init__(self, fake: FakeT, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self.host = host
        self._requested_port = port
        self.port = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeServer[FakeT]:
        """Bind, start uvicorn in a daemon thread and wait until it accepts connections."""
        if self._thread is not None:
            raise RuntimeError("this FakeServer is already started")
        sock = bind_socket(self.host, self._requested_port)
        self.port = int(sock.getsockname()[1])
        self._server = uvicorn.Server(uvicorn_config(self.fake))
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name=f"FakeAmnimo:{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError("the FakeAmnimo server did not start")
            time.sleep(0.002)
        return self

    def stop(self) -> None:
        """Stop serving and close the port (idempotent)."""
        thread, server = self._thread, self._server
        if thread is None or server is None:
            return
        server.should_exit = True
        thread.join(timeout=3.0)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=3.0)
        self._thread = None

    def __enter__(self) -> FakeServer[FakeT]:
        return self if self._thread is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    # --- what tests need ------------------------------------------------------------------

    @property
    def origin(self) -> str:
        """``http://HOST:PORT``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL, ``http://HOST:PORT/ex``."""
        return f"{self.origin}/ex"

    def __repr__(self) -> str:
        return f"FakeServer({self.base_url!r}, running={self.running})"
