"""GET /partitions/{subscriptionId}/devices/{deviceId}/externalDevices: what is behind one device."""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import ExternalDeviceList
from ..._operations import GET_DEVICE_EXTERNAL_DEVICES as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(subscription_id: str, device_id: str) -> Request:
    """The external devices (cameras, sensors) connected to edge device ``device_id``."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(ExternalDeviceList)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
