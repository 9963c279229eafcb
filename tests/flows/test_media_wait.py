"""media.wait: a new media polled until COMPLETED, backing off from 1 s to 10 s, within a bound."""

from __future__ import annotations

import pytest

from amnimo_async import MediaFailedError, MediaStatus, MediaTimeoutError, NotFoundError, ValidationError
from amnimo_async.testing import ManualClock

from ..integration.conftest import Connect, Serve, create_clip
from .conftest import VirtualTime, on_virtual_time


async def test_polls_back_off_until_completed(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve(media_processing_delay=30.0)
    amnimo, time = on_virtual_time(connect, server, clock)
    sub = server.subscription_ids[0]
    created = await create_clip(amnimo, server, clock)

    media = await amnimo.media.wait(sub, created.id)

    # Polled at 0, 1, 3, 7, 15, 25 and 35 s: seven requests for a 30-second clip.
    assert time.sleeps == [1, 2, 4, 8, 10, 10]
    assert server.journal.count(route="getMedia") == server.journal.count(route="getMedia", status=200) == 7
    assert media.id == created.id
    assert media.status == MediaStatus.COMPLETED
    record = server.world.find_media(sub, created.id)
    assert record is not None
    assert media.size == record.size > 0
    assert media.url is not None


async def test_a_long_clip_costs_a_poll_every_ten_seconds(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve(media_processing_delay=300.0)
    amnimo, time = on_virtual_time(connect, server, clock)
    created = await create_clip(amnimo, server, clock)

    await amnimo.media.wait(server.subscription_ids[0], created.id)

    assert time.sleeps[:5] == [1, 2, 4, 8, 10]
    assert set(time.sleeps[4:]) == {10}
    assert sum(time.sleeps) == 305  # seen at the first poll after it completed
    assert server.journal.count(route="getMedia") == len(time.sleeps) + 1 == 34


async def test_timeout_names_the_media_and_its_status(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve(media_processing_delay=1000.0)
    amnimo, time = on_virtual_time(connect, server, clock)
    created = await create_clip(amnimo, server, clock)

    with pytest.raises(MediaTimeoutError) as info:
        await amnimo.media.wait(server.subscription_ids[0], created.id, timeout=30)

    # The last pause stops at the deadline, where one more poll is made.
    assert time.sleeps == [1, 2, 4, 8, 10, 5]
    assert server.journal.count(route="getMedia") == 7
    error = info.value
    assert (error.media_id, error.status, error.polls, error.waited) == (created.id, "PROCESSING", 7, 30)
    assert created.id in str(error)
    assert "PROCESSING" in str(error)
    assert isinstance(error, TimeoutError)


async def test_failed_media_raises_at_once(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve(media_processing_delay=30.0)
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    created = await create_clip(amnimo, server, clock)
    assert server.world.fail_media(sub, created.id) is not None

    VirtualTime(clock).install(amnimo)
    with pytest.raises(MediaFailedError) as info:
        await amnimo.media.wait(sub, created.id)

    assert server.journal.count(route="getMedia") == 1
    assert (info.value.media_id, info.value.status) == (created.id, "FAILED")
    assert f"media {created.id} failed (status FAILED)" in str(info.value)


async def test_media_failing_at_the_end_of_processing(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve(media_processing_delay=5.0)
    server.world.fail_new_media = True
    amnimo, time = on_virtual_time(connect, server, clock)
    created = await create_clip(amnimo, server, clock)

    with pytest.raises(MediaFailedError):
        await amnimo.media.wait(server.subscription_ids[0], created.id)

    assert time.sleeps == [1, 2, 4]  # PROCESSING at 0, 1 and 3 s, FAILED at 7
    assert server.journal.count(route="getMedia") == 4


async def test_unknown_media_and_bad_arguments(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    for timeout in (0, -1, float("nan"), "60", True):
        with pytest.raises(ValidationError, match="timeout"):
            await amnimo.media.wait(sub, "some-media", timeout=timeout)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expiration"):
        await amnimo.media.wait(sub, "some-media", expiration=0)
    with pytest.raises(ValidationError, match="media_id"):
        await amnimo.media.wait(sub, "")
    assert len(server.journal) == 0
    VirtualTime(clock).install(amnimo)
    with pytest.raises(NotFoundError):
        await amnimo.media.wait(sub, "no-such-media")
