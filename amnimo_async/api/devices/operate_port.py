"""POST /partitions/{subscriptionId}/devices/{deviceId}/ports/{portId}: switch or reset a port.

Never retried once the request may have reached the server: a port must not be switched twice.
"""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import PortOperationResult
from ..._operations import OPERATE_PORT as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(
    subscription_id: str,
    device_id: str,
    port_id: str,
    *,
    action: int,
    reset_timer: int | None = None,
) -> Request:
    """Apply ``action`` to port ``port_id``: ``PortAction.DISABLE`` (0), ``ENABLE`` (1) or
    ``RESET`` (2, power-cycle; the port comes back after ``reset_timer`` seconds, at least 1,
    which is required for a reset and refused otherwise)."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(PortOperationResult)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
