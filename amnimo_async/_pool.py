"""Give back the pool slots httpcore loses when a request is cancelled.

httpcore 1.0.9 (encode/httpcore#1093, still open) loses a slot of its connection pool when a
request is cancelled at an unlucky point: after the pool handed it a new connection but before
it opened it, or between opening it and sending; and asyncio's ``task.cancel()`` goes through
the anyio shields guarding the pool's clean-up, so a cancel landing while an answer is closed
leaves the request registered and its connection busy. The slot is then held for good, and once
every slot is, each call ends in ``PoolTimeout``. Paginators cancel requests queued for the pool
whenever a loop stops early, so after a request of ours fails :func:`reclaim` drops what it left.
"""

from __future__ import annotations

from typing import Any

import httpx

TAG = "amnimo_async.request"
"""Request extension naming the request (httpcore ignores it), so its leftover can be found."""


def _pools(http: httpx.AsyncClient) -> list[Any]:
    """The httpcore pools behind ``http`` (none for a transport of another kind)."""
    transports = [http._transport, *http._mounts.values()]
    return [pool for t in transports if (pool := getattr(t, "_pool", None)) is not None]


async def reclaim(http: httpx.AsyncClient, tag: object) -> None:
    """After the request tagged ``tag`` failed: drop its registration if the pool kept it, and
    every connection no request owns that is neither idle nor closed; hand their slots on."""
    for pool in _pools(http):
        try:
            for request in [r for r in pool._requests if r.request.extensions.get(TAG) is tag]:
                pool._requests.remove(request)
            owned = {id(request.connection) for request in pool._requests}
            lost = [
                connection
                for connection in pool._connections
                if id(connection) not in owned and not connection.is_idle() and not connection.is_closed()
            ]
            if not lost:
                continue
            for connection in lost:
                pool._connections.remove(connection)
            closing = pool._assign_requests_to_connections()  # queued requests get the slots
        except AttributeError:  # an httpcore whose pool no longer looks like this
            continue
        await pool._close_connections([*lost, *closing])  # shielded by httpcore
