"""The body both media searches take (one camera, or a whole subscription)."""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from ..._arguments import choice, integer, string_list
from ..._models import Media
from ..._request import parse_json

CATEGORIES = ("CLIP", "SNAPSHOT")
SORT_DIRECTIONS = ("asc", "desc")
MAX_PAGE_SIZE = 1000
INT32_MAX = 2**31 - 1  # the spec types pageNumber as int32


def search_body(
    categories: Sequence[str] | None, page_number: object, page_size: object, sort_dir: object
) -> dict[str, object]:
    body: dict[str, object] = {
        "pageNumber": integer("page_number", page_number, minimum=0, ceiling=INT32_MAX),
        "pageSize": integer("page_size", page_size, minimum=1, maximum=MAX_PAGE_SIZE),
        "sortDir": choice("sort_dir", sort_dir, SORT_DIRECTIONS),
    }
    if categories is not None:
        items = string_list("categories", categories, item="categories")
        body["categories"] = [choice(f"categories[{i}]", c, CATEGORIES) for i, c in enumerate(items)]
    return body


def parse_media_list(response: httpx.Response) -> tuple[Media, ...]:
    return parse_json(response, tuple[Media, ...])
