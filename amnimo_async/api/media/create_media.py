"""POST /partitions/{subscriptionId}/cameras/{cameraId}/media: cut a clip or take a snapshot.

Never retried once the request may have reached the server: a repeat would make a second media.
"""

from __future__ import annotations

from datetime import datetime

from ..._endpoint import Endpoint, json_parser
from ..._models import Media
from ..._operations import CREATE_MEDIA as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(
    subscription_id: str,
    camera_id: str,
    *,
    category: str,
    start_time: datetime,
    end_time: datetime | None = None,
    name: str | None = None,
) -> Request:
    """Request a ``category`` "CLIP" (``start_time`` to ``end_time``) or "SNAPSHOT" (at
    ``start_time``), optionally named (1..64 characters). The media starts PROCESSING; poll
    ``get_media`` until it is COMPLETED."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(Media)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
