"""POST /partitions/{subscriptionId}/devices/{deviceId}/ports/{portId}: switch or reset a port.

Never retried once the request may have reached the server: a port must not be switched twice.
"""

from __future__ import annotations

import httpx

from ..._arguments import integer
from ..._endpoint import Endpoint
from ..._errors import ValidationError
from ..._models import PortAction, PortOperationResult
from ..._request import Operation, Request, parse_json
from .._params import device, path_segment

OPERATION = Operation(
    "operatePort",
    "POST",
    "/partitions/{subscriptionId}/devices/{deviceId}/ports/{portId}",
    idempotent=False,
)


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
    path = {**device(subscription_id, device_id), "portId": path_segment("port_id", port_id)}
    body: dict[str, object] = {"action": integer("action", action, minimum=0)}
    if action == PortAction.RESET:
        if reset_timer is None:
            raise ValidationError("reset_timer", "is required when action is RESET (2): seconds, at least 1")
        body["resetTimer"] = integer("reset_timer", reset_timer, minimum=1)
    elif reset_timer is not None:
        raise ValidationError("reset_timer", "is only allowed when action is RESET (2)")
    return OPERATION.request(path, json=body)


def _parse_response(response: httpx.Response) -> PortOperationResult:
    return parse_json(response, PortOperationResult)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
