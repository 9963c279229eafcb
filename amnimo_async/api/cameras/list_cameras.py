"""GET /partitions/{subscriptionId}/cameras: a page of cameras, or up to 10 cameras by id."""

from __future__ import annotations

from collections.abc import Sequence

from ..._endpoint import Endpoint, json_parser
from ..._models import CameraPage
from ..._operations import LIST_CAMERAS as OPERATION
from ..._request import Request
from .._params import build_request

MAX_PAGE_SIZE = OPERATION.limit("size", "maximum")
MAX_CAMERA_IDS = OPERATION.limit("cameraId", "max_items")


def _get_kwargs(
    subscription_id: str,
    *,
    is_url: bool = True,
    expiration: int = 60,
    page: int = 0,
    size: int = MAX_PAGE_SIZE,
    camera_ids: Sequence[str] | None = None,
) -> Request:
    """Page ``page`` (from 0) of ``size`` cameras (1..500), or the cameras with ``camera_ids``
    (1..10 ids; the API takes them alone, without ``page``/``size``). ``is_url`` adds presigned
    thumbnail URLs valid ``expiration`` minutes (1..10080)."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(CameraPage)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
