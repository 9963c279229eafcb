"""The SDK's own CPU cost: per request over bare httpx, and per 500-camera page over ``json.loads``.

Both halves run against bytes held in memory: the requests go through an ``httpx.MockTransport``
whose async handler answers a fixed, pre-encoded JSON body (no sockets, no server), so what is
left is the client-side work (building and validating the request, the limiter, the token, httpx
itself, decoding and structuring the answer into models).

1. ``await amnimo.cameras.get(sub, cam)`` (limiter off: ``rate=None``; and with the default
   limiter at a rate it never waits on) against ``await client.get(...)`` + ``json.loads`` on a
   bare ``httpx.AsyncClient`` with the same transport; plus bare httpx + the SDK's parser, which
   splits the overhead into "parse into models" and "the rest of the SDK's request path"; and, for
   reference, bare httpx given the query already encoded in the URL (no ``params=``), which shows
   what httpx's own parameter merging costs.
2. ``json.loads`` of a realistic 500-camera page against
   ``list_cameras._parse_response(httpx.Response(200, content=body))`` (decode + structure).

Run: ``python -m benchmarks overhead`` (or ``nox -s bench``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import httpx

from amnimo_async import AsyncAmnimo, InMemoryTokenCache
from amnimo_async._models import Camera, CameraPage
from amnimo_async.api.cameras import get_camera, list_cameras

from ._util import (
    COMMAND,
    AsyncRun,
    SyncRun,
    check,
    comparison_rows,
    environment,
    interleave,
    interleave_async,
    paired_difference,
    table,
)

BASE_URL = "https://amnimo.invalid/ex"
CREDENTIALS = ("bench-client", "bench-secret-key")
"""The client ID and secret every benchmark client uses (the mock answers any)."""
SUBSCRIPTION_ID = "3d07c219-0a88-45be-9cfc-91e9d095a1e9"
CAMERA_ID = "9f1c2b7e-5d4a-4e61-8b0f-2a6c3d9e7f10"
PAGE_SIZE = 500

REQUESTS_PER_ROUND = 400
REQUEST_ROUNDS = 21
REQUEST_WARMUP = 200
PAGES_PER_ROUND = 10
PAGE_ROUNDS = 21
PAGE_WARMUP = 5

_SITES = ("東京本社", "大阪支店", "名古屋工場", "福岡物流センター", "札幌営業所", "横浜データセンター")
_PLACES = ("正面玄関", "駐車場", "搬入口", "受付", "倉庫A棟", "サーバールーム", "屋上", "通用口")
_TAGS = ("屋内", "屋外", "入口", "夜間監視", "24h", "floor-3", "PTZ", "録画対象", "重要")


def _presigned_url(rng: random.Random, subscription_id: str, camera_id: str, ts: str) -> str:
    """A thumbnail URL shaped like the S3 presigned URLs the API hands out (~1 kB)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    token = "".join(rng.choices(alphabet, k=640))
    key = "ASIA" + "".join(rng.choices(alphabet[:36], k=16))
    signature = f"{rng.getrandbits(256):064x}"
    day = ts[:10].replace("-", "")
    path = f"{subscription_id}/{camera_id}/{ts[:10].replace('-', '/')}/{ts[11:19].replace(':', '')}000.jpg"
    return (
        f"https://amnimo-thumbnail-prod.s3.ap-northeast-1.amazonaws.com/{path}"
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={key}%2F{day}%2Fap-northeast-1%2Fs3%2Faws4_request"
        f"&X-Amz-Date={day}T{ts[11:19].replace(':', '')}Z&X-Amz-Expires=3600"
        f"&X-Amz-Security-Token={token}&X-Amz-SignedHeaders=host&X-Amz-Signature={signature}"
    )


def camera_json(rng: random.Random, index: int, camera_id: str | None = None) -> dict[str, Any]:
    """Camera ``index`` as the API writes it, every field present (thumbnail with its URL)."""
    camera_id = camera_id or str(uuid.UUID(int=rng.getrandbits(128), version=4))
    ts = f"2025-02-14T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.000Z"
    site, place = _SITES[index % len(_SITES)], _PLACES[index % len(_PLACES)]
    return {
        "id": camera_id,
        "pid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "deviceVersion": f"2.{rng.randrange(4)}.{rng.randrange(10)}",
        "status": "DISCONNECTED" if rng.random() < 0.05 else "CONNECTED",
        "recordingStatus": "NOT_RECORDING" if rng.random() < 0.1 else "RECORDING",
        "displayName": f"{site} {place} {index % 12 + 1}階 カメラ{index:03d}",
        "tags": rng.sample(_TAGS, k=rng.randrange(1, 4)),
        "thumbnail": {"ts": ts, "url": _presigned_url(rng, SUBSCRIPTION_ID, camera_id, ts)},
    }


def _encode(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def camera_body() -> bytes:
    """The answer to ``getCamera`` used by the request benchmark."""
    return _encode(camera_json(random.Random(1), 0, CAMERA_ID))


def page_body(size: int = PAGE_SIZE) -> bytes:
    """A full ``listCameras`` page of ``size`` cameras, as UTF-8 bytes."""
    rng = random.Random(2)
    cameras = [camera_json(rng, i) for i in range(size)]
    return _encode({"total": size * 3, "page": 0, "size": size, "cameras": cameras})


def mock_client(camera: bytes) -> httpx.AsyncClient:
    """An httpx client whose transport answers every call at once, from memory: a token, or ``camera``."""
    token = _encode(
        {"access_token": "bench-access-token-0123456789", "token_type": "Bearer", "expires_in": 7200}
    )
    headers = {"Content-Type": "application/json"}

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return httpx.Response(200, content=token, headers=headers)
        return httpx.Response(200, content=camera, headers=headers)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def measure_requests(*, n: int, rounds: int, warmup: int) -> tuple[dict[str, list[float]], int]:
    """ns/request of each contender (one sample per round) and the token calls the SDK made."""
    body = camera_body()
    expected = json.loads(body)
    async with contextlib.AsyncExitStack() as stack:
        bare = await stack.enter_async_context(mock_client(body))
        bare_parsed = await stack.enter_async_context(mock_client(body))
        bare_prequoted = await stack.enter_async_context(mock_client(body))

        async def sdk(**options: Any) -> AsyncAmnimo:
            http = await stack.enter_async_context(mock_client(body))
            # A token of its own in memory: what is measured is the request path, not the cache.
            client = AsyncAmnimo(
                *CREDENTIALS, base_url=BASE_URL, http_client=http, token_cache=InMemoryTokenCache(), **options
            )
            return await stack.enter_async_context(client)

        unlimited = await sdk(rate=None)
        limited = await sdk(rate=1e9, burst=10**6)

        url = f"{BASE_URL}/partitions/{SUBSCRIPTION_ID}/cameras/{CAMERA_ID}"
        params = {"isUrl": "true", "expiration": "60"}
        url_with_query = f"{url}?{urlencode(params)}"
        parse = get_camera._parse_response

        async def httpx_json(count: int) -> None:
            get = bare.get
            for _ in range(count):
                response = await get(url, params=params, headers={"Authorization": "Bearer x"})
                json.loads(response.content)

        async def httpx_prequoted(count: int) -> None:
            get = bare_prequoted.get
            for _ in range(count):
                response = await get(url_with_query, headers={"Authorization": "Bearer x"})
                json.loads(response.content)

        async def httpx_models(count: int) -> None:
            get = bare_parsed.get
            for _ in range(count):
                response = await get(url, params=params, headers={"Authorization": "Bearer x"})
                parse(response)

        def calls(client: AsyncAmnimo) -> AsyncRun:
            async def run(count: int) -> None:
                get = client.cameras.get
                for _ in range(count):
                    await get(SUBSCRIPTION_ID, CAMERA_ID)

            return run

        # Same answer, same work: check once before timing anything.
        response = await bare.get(url, params=params, headers={"Authorization": "Bearer x"})
        check(json.loads(response.content) == expected, "bare httpx decodes the camera")
        prequoted = await bare_prequoted.get(url_with_query, headers={"Authorization": "Bearer x"})
        check(prequoted.request.url == response.request.url, "the same URL with the query pre-encoded")
        for client in (unlimited, limited):
            camera = await client.cameras.get(SUBSCRIPTION_ID, CAMERA_ID)
            check(isinstance(camera, Camera) and camera.id == CAMERA_ID, "the SDK returns the camera")
            check(camera.thumbnail is not None and not camera.extra, "every camera field is known")

        contenders: dict[str, AsyncRun] = {
            "bare httpx + `json.loads`": httpx_json,
            "bare httpx + SDK parse (`get_camera._parse_response`)": httpx_models,
            "`amnimo.cameras.get`, `rate=None` (no limiter)": calls(unlimited),
            "`amnimo.cameras.get`, limiter `rate=1e9, burst=10**6`": calls(limited),
            "(reference) bare httpx, query already in the URL, + `json.loads`": httpx_prequoted,
        }
        samples = await interleave_async(contenders, n=n, rounds=rounds, warmup=warmup)
        token_calls = unlimited.transport.stats.token_calls + limited.transport.stats.token_calls
    return samples, token_calls


def measure_parse(body: bytes, *, n: int, rounds: int, warmup: int) -> dict[str, list[float]]:
    """ns/page of ``json.loads`` and of ``list_cameras._parse_response`` (one sample per round)."""
    parse = list_cameras._parse_response
    page = parse(httpx.Response(200, content=body))
    check(isinstance(page, CameraPage) and len(page.cameras) == PAGE_SIZE, "a full page")
    check(all(camera.thumbnail and camera.thumbnail.url for camera in page.cameras), "thumbnail URLs")
    check(not any(camera.extra for camera in page.cameras), "every camera field is known")

    def loads(count: int) -> None:
        for _ in range(count):
            json.loads(body)

    def parse_page(count: int) -> None:
        for _ in range(count):
            parse(httpx.Response(200, content=body))

    contenders: Mapping[str, SyncRun] = {
        "`json.loads` alone": loads,
        "`list_cameras._parse_response` (decode + structure)": parse_page,
    }
    return interleave(contenders, n=n, rounds=rounds, warmup=warmup)


def _rows(samples: Mapping[str, list[float]], **scaled: Any) -> list[list[str]]:
    """The first contender is the baseline; every other is compared with it."""
    first, *others = samples
    return comparison_rows(samples, baseline=first, compared=others, **scaled)


def _paired_note(samples: Mapping[str, list[float]], what: str, minus: str, label: str) -> str:
    difference = paired_difference(samples[what], samples[minus]) / 1_000
    return f"- {label}: {difference:+.1f} µs/request (median of per-round pairs)"


def main() -> None:
    """Measure both, print two markdown tables."""
    started = time.perf_counter()
    requests, token_calls = asyncio.run(
        measure_requests(n=REQUESTS_PER_ROUND, rounds=REQUEST_ROUNDS, warmup=REQUEST_WARMUP)
    )
    body = page_body()
    pages = measure_parse(body, n=PAGES_PER_ROUND, rounds=PAGE_ROUNDS, warmup=PAGE_WARMUP)
    elapsed = time.perf_counter() - started

    print("## SDK overhead (`benchmarks/overhead.py`)")
    print()
    print(f"{environment('amnimo-async', 'httpx', 'cattrs', 'attrs', 'aiolimiter')}.")
    print(f"Command: {COMMAND}, or `python -m benchmarks overhead`; ran in {elapsed:.1f} s.")
    print()
    print("### Per-request overhead: `amnimo.cameras.get` vs bare `httpx.AsyncClient.get`")
    print()
    print(
        f"{len(camera_body())}-byte camera answer from an in-process `httpx.MockTransport` (async handler,"
        f" no sockets); {REQUEST_ROUNDS} interleaved rounds of {REQUESTS_PER_ROUND} sequential requests"
        f" per contender after {REQUEST_WARMUP} warm-up requests; median of rounds (overhead and ratio:"
        f" median of per-round pairs)."
    )
    print()
    print(
        table(
            ["Contender", "µs/request", "rounds min–max", "overhead vs bare (µs)", "requests/s", "ratio"],
            _rows(requests, scale=1_000, digits=1, per=lambda ns: f"{1e9 / ns:,.0f}"),
        )
    )
    print()
    bare, models, unlimited, limited, prequoted = requests
    print("Where the overhead goes:")
    print()
    print(_paired_note(requests, models, bare, "parsing into models instead of `json.loads`"))
    print(_paired_note(requests, unlimited, models, "the rest of the SDK's request path (limiter off)"))
    print(_paired_note(requests, limited, unlimited, "the rate limiter (never waiting)"))
    print(
        _paired_note(
            requests,
            prequoted,
            bare,
            "httpx without `params=` (query pre-encoded in the URL; the cost of httpx's params merge)",
        )
    )
    check(token_calls == 2, "each SDK client made one token call and reused it")
    print()
    print(f"### Parsing one {PAGE_SIZE}-camera `listCameras` page")
    print()
    print(
        f"{len(body) / 1024:.0f} KiB UTF-8 body (every camera field, Japanese names, tags, thumbnail with"
        f" a ~1 kB presigned URL); {PAGE_ROUNDS} interleaved rounds of {PAGES_PER_ROUND} parses per"
        f" contender after {PAGE_WARMUP} warm-up parses; median of rounds."
    )
    print()
    print(
        table(
            ["Contender", "ms/page", "rounds min–max", "vs `json.loads` (ms)", "µs/camera", "ratio"],
            _rows(pages, scale=1_000_000, digits=2, per=lambda ns: f"{ns / 1_000 / PAGE_SIZE:.2f}"),
        )
    )
    print()


if __name__ == "__main__":
    main()
