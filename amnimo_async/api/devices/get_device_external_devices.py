"""GET /partitions/{subscriptionId}/devices/{deviceId}/externalDevices: what is behind one device."""

from __future__ import annotations

import httpx

from ..._endpoint import Endpoint
from ..._models import ExternalDeviceList
from ..._request import Operation, Request, parse_json
from .._params import device

OPERATION = Operation(
    "getDeviceExternalDevices",
    "GET",
    "/partitions/{subscriptionId}/devices/{deviceId}/externalDevices",
    idempotent=True,
)


def _get_kwargs(subscription_id: str, device_id: str) -> Request:
    """The external devices (cameras, sensors) connected to edge device ``device_id``."""
    return OPERATION.request(device(subscription_id, device_id))


def _parse_response(response: httpx.Response) -> ExternalDeviceList:
    return parse_json(response, ExternalDeviceList)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
