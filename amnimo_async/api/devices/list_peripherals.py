"""GET /partitions/{subscriptionId}/devices/{deviceId}/peripherals: a device's ports and their state."""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import PeripheralList
from ..._operations import LIST_PERIPHERALS as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(subscription_id: str, device_id: str) -> Request:
    """The ports (e.g. ``POE0``) of edge device ``device_id`` with link and activation status."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(PeripheralList)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
