"""ConnectionRegistry: the live TCP connections of a served fake, so a fault can reset one.

ASGI gives an app no handle on its socket. When the fake is served by ``FakeServer``, uvicorn
runs a protocol subclass (see ``_server``) that registers each connection's asyncio transport
under (server address, client address) — the same pair the ASGI scope carries as ``server``
and ``client`` — so the app can find the transport of a request and abort it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Mapping
from typing import Any

Address = tuple[str, int]
ConnectionKey = tuple[Address, Address]


def _address(value: Any) -> Address | None:
    if isinstance(value, (tuple, list)) and len(value) >= 2 and isinstance(value[1], int):
        return (str(value[0]), value[1])
    return None


class ConnectionRegistry:
    """Transports of live connections by (server address, client address)."""

    def __init__(self) -> None:
        self._transports: dict[ConnectionKey, asyncio.Transport] = {}
        self._lock = threading.Lock()

    def register(self, server: Any, client: Any, transport: asyncio.Transport) -> None:
        """Remember a new connection."""
        local, peer = _address(server), _address(client)
        if local is not None and peer is not None:
            with self._lock:
                self._transports[(local, peer)] = transport

    def unregister(self, server: Any, client: Any) -> None:
        """Forget a closed connection."""
        local, peer = _address(server), _address(client)
        if local is not None and peer is not None:
            with self._lock:
                self._transports.pop((local, peer), None)

    def find(self, scope: Mapping[str, Any]) -> asyncio.Transport | None:
        """The transport carrying the request of ``scope``, if the fake's server owns it."""
        local, peer = _address(scope.get("server")), _address(scope.get("client"))
        if local is None or peer is None:
            return None
        with self._lock:
            return self._transports.get((local, peer))

    def __len__(self) -> int:
        with self._lock:
            return len(self._transports)


def hard_reset(transport: asyncio.Transport) -> None:
    """Drop a connection with a TCP RST (SO_LINGER 0, then abort): no FIN, no more bytes."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
