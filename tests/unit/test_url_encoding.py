"""The request's path segments and query string are what urllib's quoting makes of them.

The SDK skips quoting for text that needs none (a speed-up); these tests hold it to urllib's
output for every kind of text an argument can carry, and check it on the wire.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from amnimo_async import AsyncAmnimo, InMemoryTokenCache
from amnimo_async._request import encode_query, quote_segment

TEXTS = [
    "",
    "plain",
    "3d07c219-0a88-45be-9cfc-91e9d095a1e9",
    "A-Z_a-z.0-9~",
    "with space",
    "a+b",
    "a&b=c",
    "50%",
    "/slash",
    "..",
    "カメラ",
    "é",
    "tab\there",
    "line\nbreak",
    "?#[]@!$'()*,;",
    "🎥",
    "x" * 300,
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_path_segment_is_quoted_as_urllib_quotes_it(text: str) -> None:
    assert quote_segment(text) == quote(text, safe="")


@pytest.mark.parametrize("text", TEXTS)
def test_a_query_pair_is_encoded_as_urlencode_encodes_it(text: str) -> None:
    pairs = ((text, text), ("pageNumber", "0"), ("isUrl", "true"), (text, "repeated"))
    assert encode_query(pairs) == urlencode(pairs)


@given(st.lists(st.tuples(st.text(), st.text()), max_size=4))
def test_any_text_is_encoded_as_urllib_encodes_it(pairs: list[tuple[str, str]]) -> None:
    assert encode_query(tuple(pairs)) == urlencode(pairs)
    for name, _ in pairs:
        assert quote_segment(name) == quote(name, safe="")


def test_no_pairs_is_an_empty_query() -> None:
    assert encode_query(()) == urlencode(())


async def test_a_media_id_that_needs_escaping_arrives_as_sent() -> None:
    seen: list[httpx.Request] = []
    subscription = str(uuid.uuid4())
    media = {"id": "clip 1/é", "cameraId": str(uuid.uuid4()), "category": "CLIP", "type": "MP4"}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600, "token_type": "Bearer"})
        seen.append(request)
        return httpx.Response(200, json={**media, "status": "COMPLETED", "name": "x"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        client = AsyncAmnimo(
            "id",
            "secret",
            base_url="https://amnimo.invalid/ex",
            http_client=http,
            token_cache=InMemoryTokenCache(),
            rate=None,
        )
        async with client:
            await client.media.get(subscription, "clip 1/é", expiration=5)
    (request,) = seen
    assert request.url.raw_path.decode().split("?")[0] == (
        f"/ex/partitions/{subscription}/medias/clip%201%2F%C3%A9"
    )
    assert request.url.params.multi_items() == [("expiration", "5")]
    assert json.loads(request.content or b"null") is None
