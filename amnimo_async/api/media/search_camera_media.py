"""POST /partitions/{subscriptionId}/cameras/{cameraId}/medias: search one camera's clips and
snapshots, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from ..._endpoint import Endpoint, json_parser
from ..._models import Media
from ..._operations import SEARCH_CAMERA_MEDIA as OPERATION
from ..._request import Request
from .._params import build_request

MAX_PAGE_SIZE = OPERATION.limit("pageSize", "maximum")


def _get_kwargs(
    subscription_id: str,
    camera_id: str,
    *,
    page_number: int = 0,
    page_size: int = MAX_PAGE_SIZE,
    categories: Sequence[str] | None = None,
    sort_dir: str = "desc",
) -> Request:
    """Page page_number (from 0) of page_size media (1..1000), ordered by request time
    (sort_dir "asc" or "desc"), optionally only categories ("CLIP", "SNAPSHOT"). The answer
    has no total: a page shorter than page_size is the last."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(tuple[Media, ...])
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
