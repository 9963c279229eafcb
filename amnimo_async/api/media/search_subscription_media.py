"""POST /partitions/{subscriptionId}/medias: search a whole subscription's clips and snapshots,
a page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from ..._endpoint import Endpoint
from ..._request import Operation, Request
from .._params import partition
from ._search import MAX_PAGE_SIZE, parse_media_list, search_body

# A search changes nothing, so it is retried like a GET.
OPERATION = Operation(
    "searchSubscriptionMedia", "POST", "/partitions/{subscriptionId}/medias", idempotent=True
)


def _get_kwargs(
    subscription_id: str,
    *,
    page_number: int = 0,
    page_size: int = MAX_PAGE_SIZE,
    categories: Sequence[str] | None = None,
    sort_dir: str = "desc",
) -> Request:
    """Page page_number (from 0) of page_size media (1..1000), ordered by request time
    (sort_dir "asc" or "desc"), optionally only categories ("CLIP", "SNAPSHOT"). The answer
    has no total: a page shorter than page_size is the last."""
    return OPERATION.request(
        partition(subscription_id), json=search_body(categories, page_number, page_size, sort_dir)
    )


_parse_response = parse_media_list

endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
