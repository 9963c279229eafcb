"""Secrets never leak (#7): the client secret, its Basic header and every access token issued.

Broad scenarios run against the fake over loopback with every logger at DEBUG; every log record
(message, formatted record with its traceback, arguments), every exception (str, repr, args,
attributes, chain, traceback), the ``repr`` of everything a user holds, whatever reached
stdout/stderr and every file the SDK or the ``amnimo`` command wrote are scanned for the needles:
the secret keys, the Basic header values and their base64, and each token the fake issued (from
the fake's own registry), whole and cut: 16-character windows every 8 characters catch any piece
of 23 characters or more (a truncated answer keeps most of a token).

Here the async and the sync client through every path.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import attrs
import pytest

from amnimo_async import (
    Amnimo,
    APIConnectionError,
    AsyncAmnimo,
    AuthenticationError,
    InMemoryTokenCache,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    Token,
)
from amnimo_async._file_cache import FileTokenCache
from amnimo_async.api.auth import issue_token
from amnimo_async.api.cameras import get_camera, list_cameras
from amnimo_async.testing import Fault, ManualClock

from ..integration.conftest import Connect, Serve, at
from ._leak_scan import (
    UNKNOWN,
    Capture,
    Corpus,
    assert_no_leak,
    credential_needles,
    expect,
    fake_needles,
    scan_what_was_left,
)

# --- the async client through every path -------------------------------------------------------


async def test_async_client_leaks_nothing(
    serve: Serve,
    connect: Connect,
    clock: ManualClock,
    logs: Capture,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    logs.take_root()
    server = serve()
    world = server.world
    corpus = Corpus()
    cache_dir = tmp_path / "cache"
    key = f"{server.base_url}|{server.client_id}"
    now = clock()

    # A token the server never issued, sealed in the cache: the first call gets 401 and refreshes.
    bogus = "bogus-" + secrets.token_urlsafe(30)
    cache = FileTokenCache(cache_dir, secret_key=server.secret_key, clock=clock)
    await cache.store(key, Token(bogus, issued_at=time.time(), expires_at=time.time() + 3600))
    amnimo: AsyncAmnimo = connect(server, token_cache=cache)
    sub, other = server.subscription_ids[0], server.subscription_ids[1]
    camera_id = world.camera_id(sub, 0)
    device_id = world.device_id(sub, 0)
    results: list[object] = []

    # Every operation once (the token call too, directly).
    results.append(await amnimo.accounts.hierarchy(server.account_id))
    assert server.journal.count(status=401) == 1  # the bogus token was refused, then replaced
    results.append(await issue_token.asyncio(amnimo))
    results.append(await issue_token.asyncio_detailed(amnimo))
    results.append(await amnimo.cameras.list(sub))
    results.append(await amnimo.cameras.get(sub, camera_id))
    results.append(await get_camera.asyncio_detailed(amnimo, sub, camera_id))
    results.append(
        await amnimo.cameras.thumbnails(sub, camera_id, start_time=at(now - 3600), end_time=at(now))
    )
    results.append(
        await amnimo.cameras.history(sub, camera_id, start_time=at(now - 86_400), end_time=at(now))
    )
    hls = await amnimo.streams.start_hls(sub, camera_id, dt="live", keep_alive_period=60)
    results += [hls, await amnimo.streams.update_hls(sub, camera_id, hls.request_id)]
    results.append(await amnimo.streams.stop_hls(sub, camera_id, hls.request_id))
    created = await amnimo.media.create(
        sub, camera_id, category="CLIP", start_time=at(now - 600), end_time=at(now - 570), name="secret scan"
    )
    results += [created, await amnimo.media.search(sub), await amnimo.media.search(sub, camera_id)]
    results += [
        await amnimo.media.get(sub, created.id),
        await amnimo.media.rename(sub, created.id, "renamed"),
    ]
    results.append(await amnimo.media.delete(sub, created.id))
    results.append(await amnimo.devices.list_external(sub))
    results.append(await amnimo.devices.external(sub, device_id))
    results.append(await amnimo.devices.peripherals(sub, device_id))
    results.append(await amnimo.devices.operate_port(sub, device_id, "POE1", action=1))
    results.append(await list_cameras.asyncio_detailed(amnimo, sub, size=3))

    # Expired tokens: 403 "expired", one refresh.
    server.expire_all_tokens()
    results.append(await amnimo.cameras.get(sub, camera_id))
    assert amnimo.transport.stats.refreshes == 2

    # Real 403 and 404.
    await expect(corpus, PermissionDeniedError, amnimo.cameras.list(world.foreign_subscription_id), "403")
    await expect(corpus, NotFoundError, amnimo.cameras.get(sub, UNKNOWN), "404")
    await expect(corpus, NotFoundError, amnimo.cameras.get_many(sub, [camera_id, UNKNOWN]), "get_many 404")

    # 429s, 5xx, resets and malformed answers: retried through, then past the retry budget.
    server.faults.add(Fault(route="listCameras", kind="rate_limit", times=2))
    server.faults.add(Fault(route="getCamera", kind="status", status=503, times=1))
    server.faults.add(Fault(route="listPeripherals", kind="reset", times=1))
    server.faults.add(Fault(route="getHierarchy", kind="reset_mid_body", times=1))
    results.append(await amnimo.cameras.list(sub, size=5))
    results.append(await amnimo.cameras.get(sub, camera_id))
    results.append(await amnimo.devices.peripherals(sub, device_id))
    results.append(await amnimo.accounts.hierarchy(server.account_id))
    server.faults.clear()
    for route, fault, error in (
        ("listCameras", Fault(kind="rate_limit"), RateLimitError),
        ("getCamera", Fault(kind="status", status=502), ServerError),
        ("listPeripherals", Fault(kind="reset"), APIConnectionError),
        ("getHierarchy", Fault(kind="malformed"), ResponseValidationError),
        ("searchSubscriptionMedia", Fault(kind="truncate"), ResponseValidationError),
    ):
        server.faults.add(attrs.evolve(fault, route=route, times=6))
        call = {
            "listCameras": lambda: amnimo.cameras.list(sub),
            "getCamera": lambda: amnimo.cameras.get(sub, camera_id),
            "listPeripherals": lambda: amnimo.devices.peripherals(sub, device_id),
            "getHierarchy": lambda: amnimo.accounts.hierarchy(server.account_id),
            "searchSubscriptionMedia": lambda: amnimo.media.search(sub),
        }[route]
        await expect(corpus, error, call(), f"{route} {fault.kind}")
        server.faults.clear()

    # Failing token calls, each on a client that has no token yet.
    for fault, error in (
        (Fault(kind="status", status=500), ServerError),
        (Fault(kind="malformed"), ResponseValidationError),
        (Fault(kind="truncate"), ResponseValidationError),  # the fake issued each token, then cut it
        (Fault(kind="reset_mid_body"), APIConnectionError),
        (Fault(kind="status", status=500, processed=True), ServerError),
    ):
        server.faults.add(attrs.evolve(fault, route="issueToken", times=6))
        fresh: AsyncAmnimo = connect(server, token_cache=InMemoryTokenCache())
        await expect(corpus, error, fresh.cameras.list(sub), f"token call {fault.kind}")
        corpus.add_repr("client after a failed token call", fresh, fresh.transport, fresh.transport.tokens)
        server.faults.clear()

    # Wrong secret: 401 on the token call.
    wrong = "wrong-secret-" + secrets.token_urlsafe(24)
    async with AsyncAmnimo(server.client_id, wrong, base_url=server.base_url, rate=None) as stranger:
        await expect(corpus, AuthenticationError, stranger.cameras.list(sub), "wrong secret")
        corpus.add_repr("wrong-secret client", stranger, stranger.transport, stranger.transport.credentials)

    # Paginators and an inventory sweep (with one list failing into an error record).
    results.append([c async for c in amnimo.cameras.iter(sub, size=7)])
    results.append([p async for p in amnimo.cameras.iter(other, size=5).pages()])
    results.append([m async for m in amnimo.media.iter(sub, page_size=10)])
    results.append([d async for d in amnimo.devices.iter_external(sub, size=2)])
    results.append(await amnimo.cameras.get_many(sub, [world.camera_id(sub, i) for i in range(15)]))
    server.faults.add(Fault(route="listExternalDevices", kind="status", status=503))
    progress: list[object] = []
    sweep = amnimo.inventory(server.account_id, on_progress=progress.append)
    records = [record async for record in sweep]
    server.faults.clear()
    assert any(record.kind == "error" for record in records)
    for record in records:
        if record.kind == "error":
            corpus.add_exception("inventory error record", record.item.error)  # type: ignore[union-attr]
    results += [records, sweep, sweep.summary, progress]

    transport = amnimo.transport
    corpus.add_repr("result", *results)
    corpus.add_repr(
        "client parts",
        amnimo,
        transport,
        transport.credentials,
        transport.tokens,
        transport.tokens._token,
        transport.stats,
        transport.limiter,
        transport.retry,
        cache,
        cache.cached_token(key),
        amnimo.accounts,
        amnimo.cameras,
        amnimo.media,
        amnimo.devices,
        amnimo.streams,
        amnimo.cameras.iter(sub),
    )
    await amnimo.aclose()

    tokens = server.fake.issued_tokens()
    # 4 for the client (first, after the 401, 2 direct, 1 after expiry), 6 truncated, 6 cut
    # mid-body, 6 processed then lost; retries may add more.
    assert len(tokens) >= 22
    scan_what_was_left(corpus, cache_dir, logs, capsys)
    assert any(where.startswith("traceback of token call truncate") for where, _ in corpus.entries)
    assert_no_leak(
        corpus, [*fake_needles(server.fake, bogus), *credential_needles("wrong", server.client_id, wrong)]
    )


# --- the sync client ---------------------------------------------------------------------------


def test_sync_client_leaks_nothing(
    serve: Serve, logs: Capture, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.take_root()
    server = serve()
    corpus = Corpus()
    sub = server.subscription_ids[0]
    cache_dir = tmp_path / "cache"
    cache = FileTokenCache(cache_dir, secret_key=server.secret_key)
    with Amnimo(
        server.client_id, server.secret_key, base_url=server.base_url, rate=None, token_cache=cache
    ) as amnimo:
        results: list[object] = [
            amnimo.accounts.hierarchy(server.account_id),
            amnimo.cameras.list(sub, size=4),
        ]
        results.append(list_cameras.sync(amnimo, sub, size=2))
        results.append(get_camera.sync_detailed(amnimo, sub, server.world.camera_id(sub, 1)))
        server.expire_all_tokens()
        results.append(list(amnimo.cameras.iter(sub, size=6)))
        sweep = amnimo.inventory(server.account_id, include="cameras,devices")
        results += [list(sweep), sweep]
        with pytest.raises(NotFoundError) as info:
            amnimo.cameras.get(sub, UNKNOWN)
        corpus.add_exception("sync 404", info.value)
        corpus.add_repr("sync results", *results)
        corpus.add_repr("sync client", amnimo, amnimo.cameras, amnimo.inventory, amnimo.run(_transport_parts))
    wrong = "wrong-secret-" + secrets.token_urlsafe(24)
    with Amnimo(server.client_id, wrong, base_url=server.base_url, rate=None, max_retries=0) as stranger:
        with pytest.raises(AuthenticationError) as refused:
            stranger.cameras.list(sub)
        corpus.add_exception("sync wrong secret", refused.value)
        corpus.add_repr("sync wrong-secret client", stranger)

    assert server.journal.tokens_issued == 2  # the first, and one after the expiry
    scan_what_was_left(corpus, cache_dir, logs, capsys)
    assert_no_leak(
        corpus, [*fake_needles(server.fake), *credential_needles("wrong", server.client_id, wrong)]
    )


async def _transport_parts(client: AsyncAmnimo) -> tuple[object, ...]:
    transport = client.transport
    return (transport, transport.credentials, transport.tokens, transport.tokens._token)
