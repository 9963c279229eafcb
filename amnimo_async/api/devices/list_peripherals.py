"""GET /partitions/{subscriptionId}/devices/{deviceId}/peripherals: a device's ports and their state."""

from __future__ import annotations

import httpx

from ..._endpoint import Endpoint
from ..._models import PeripheralList
from ..._request import Operation, Request, parse_json
from .._params import device

OPERATION = Operation(
    "listPeripherals",
    "GET",
    "/partitions/{subscriptionId}/devices/{deviceId}/peripherals",
    idempotent=True,
)


def _get_kwargs(subscription_id: str, device_id: str) -> Request:
    """The ports (e.g. ``POE0``) of edge device ``device_id`` with link and activation status."""
    return OPERATION.request(device(subscription_id, device_id))


def _parse_response(response: httpx.Response) -> PeripheralList:
    return parse_json(response, PeripheralList)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
