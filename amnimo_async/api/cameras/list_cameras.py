"""GET /partitions/{subscriptionId}/cameras: a page of cameras, or up to 10 cameras by id."""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from ..._arguments import integer, string_list, uuid_string
from ..._endpoint import Endpoint
from ..._errors import ValidationError
from ..._models import CameraPage
from ..._request import Operation, Request, parse_json
from .._params import partition, presigned

OPERATION = Operation("listCameras", "GET", "/partitions/{subscriptionId}/cameras", idempotent=True)

MAX_PAGE_SIZE = 500
MAX_CAMERA_IDS = 10


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
    path = partition(subscription_id)
    query = presigned(is_url, expiration)
    page = integer("page", page, minimum=0)
    size = integer("size", size, minimum=1, maximum=MAX_PAGE_SIZE)
    if camera_ids is None:
        return OPERATION.request(path, query={**query, "page": page, "size": size})
    ids = [
        uuid_string(f"camera_ids[{i}]", v)
        for i, v in enumerate(string_list("camera_ids", camera_ids, item="camera ids"))
    ]
    if not 1 <= len(ids) <= MAX_CAMERA_IDS:
        raise ValidationError("camera_ids", f"must hold 1 to {MAX_CAMERA_IDS} camera ids, got {len(ids)}")
    if page != 0 or size != MAX_PAGE_SIZE:
        raise ValidationError(
            "camera_ids", "cannot be combined with page or size (the API takes cameraId alone)"
        )
    return OPERATION.request(path, query={**query, "cameraId": ids})


def _parse_response(response: httpx.Response) -> CameraPage:
    return parse_json(response, CameraPage)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
