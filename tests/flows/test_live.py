"""streams.live: an HLS session kept alive in the background and stopped exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from amnimo_async import LiveSessionEndedError, NotFoundError, RetryPolicy, ServerError, ValidationError
from amnimo_async.testing import FakeServer, Fault, ManualClock

from ..integration.conftest import FAST_RETRY, Connect, Serve, settled
from .conftest import assert_kept_alive_then_stopped, guarded, on_virtual_time

PERIOD = 60


def camera_of(server: FakeServer) -> tuple[str, str]:
    sub = server.subscription_ids[0]
    return sub, server.world.camera_id(sub, 2)


async def test_kept_alive_across_several_periods(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve()
    amnimo, time = on_virtual_time(connect, server, clock, budget=6)
    sub, camera = camera_of(server)
    started = clock()

    async with amnimo.streams.live(sub, camera, keep_alive_period=PERIOD) as session:
        assert session.url is not None
        first_expiry = session.expires_at
        await guarded(time.parked.wait())
        # Three whole periods have passed on the fake's clock, an update every half period.
        assert clock() - started == 3 * PERIOD
        assert time.sleeps == [PERIOD / 2] * 6
        [alive] = server.world.hls_sessions()
        assert (alive.request_id, alive.camera_id, alive.keep_alive) == (session.request_id, camera, PERIOD)
        assert alive.expires_at == clock() + PERIOD  # the last update was just now
        assert session.expires_at - first_expiry == timedelta(seconds=3 * PERIOD)
        assert not session.ended.is_set()
        assert session.reason is None

    assert session.ended.is_set()
    assert_kept_alive_then_stopped(server, updates=6)


@pytest.mark.parametrize("leaving", ["normally", "by an exception", "by cancellation"])
async def test_stopped_exactly_once_on_leaving(
    serve: Serve, connect: Connect, clock: ManualClock, leaving: str
) -> None:
    server = serve()
    # The keep-alive waits for ever: only the block matters.
    amnimo, _ = on_virtual_time(connect, server, clock, budget=0)
    sub, camera = camera_of(server)
    entered = asyncio.Event()

    async def watch() -> None:
        async with amnimo.streams.live(sub, camera):
            entered.set()
            if leaving == "by an exception":
                raise KeyError("the player crashed")
            if leaving == "by cancellation":
                await asyncio.Event().wait()

    task = asyncio.create_task(watch())
    await guarded(entered.wait())
    if leaving == "by cancellation":
        task.cancel()
    if leaving == "normally":
        await task
    else:
        with pytest.raises(asyncio.CancelledError if leaving == "by cancellation" else KeyError):
            await task

    await settled(server)
    assert server.world.hls_sessions() == []
    assert server.journal.count(route="stopHls") == server.journal.count(route="stopHls", status=200) == 1
    assert server.journal.count(route="updateHls") == 0


async def test_a_second_cancellation_does_not_interrupt_the_stop(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    amnimo, _ = on_virtual_time(connect, server, clock, budget=0)
    sub, camera = camera_of(server)
    server.faults.add(Fault(route="stopHls", kind="latency", latency=2.0))  # a stop still on its way
    entered = asyncio.Event()
    session = amnimo.streams.live(sub, camera)

    async def watch() -> None:
        async with session:
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(watch())
    await guarded(entered.wait())
    task.cancel()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while server.journal.in_flight == 0:  # the stop has reached the fake
        assert loop.time() < deadline, "the stop never arrived"
        await asyncio.sleep(0.005)
    assert server.journal.in_flight == 1  # still on its way: the second cancel comes in time
    task.cancel()  # the impatient caller cancels again while the stop is in flight
    with pytest.raises(asyncio.CancelledError):
        await task

    # The stop ran to its answer (the session is over on the client's side too), once.
    await guarded(session.ended.wait())
    assert session.reason is None
    await settled(server)
    assert server.journal.count(route="stopHls") == server.journal.count(route="stopHls", status=200) == 1
    assert server.world.hls_sessions() == []


async def test_refused_update_ends_the_session(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve()
    amnimo, _ = on_virtual_time(connect, server, clock)
    sub, camera = camera_of(server)

    session = amnimo.streams.live(sub, camera)
    waited: list[LiveSessionEndedError] = []

    async def watch() -> None:
        async with session:
            assert server.world.stop_hls(session.request_id, sub, camera)  # the server drops it
            try:
                await guarded(session.wait())
            except LiveSessionEndedError as error:
                waited.append(error)
            assert session.ended.is_set()
            assert isinstance(session.reason, NotFoundError)

    with pytest.raises(LiveSessionEndedError) as left:
        await watch()

    assert len(waited) == 1  # session.wait() raised too
    for error in (waited[0], left.value):
        assert error.request_id == session.request_id
        assert isinstance(error.reason, NotFoundError)
        assert error.__cause__ is error.reason
        assert session.request_id in str(error)
    journal = server.journal
    # One refused update, none after it, and no stop for a session the server no longer has.
    assert journal.count(route="updateHls") == journal.count(route="updateHls", status=404) == 1
    assert journal.count(route="stopHls") == 0


async def test_session_dies_when_the_update_comes_too_late(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    # The process wakes a whole period late.
    amnimo, time = on_virtual_time(connect, server, clock, oversleep=PERIOD)
    sub, camera = camera_of(server)
    session = amnimo.streams.live(sub, camera, keep_alive_period=PERIOD)

    async def watch() -> None:
        async with session:
            await guarded(session.ended.wait())

    with pytest.raises(LiveSessionEndedError) as left:
        await watch()

    # Late by our clock too, the update was still sent: the server's answer decides.
    assert isinstance(left.value.reason, NotFoundError)
    assert session.reason is left.value.reason
    assert time.sleeps == [PERIOD / 2]
    assert server.journal.count(route="updateHls") == server.journal.count(route="updateHls", status=404) == 1
    assert server.journal.count(route="stopHls") == 0
    assert server.world.hls_sessions() == []


async def test_transient_faults_are_retried_within_the_period(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    # Three of the flow's pauses, and the backoffs between the attempts of the failing call.
    amnimo, time = on_virtual_time(connect, server, clock, budget=3 + FAST_RETRY.max_retries)
    sub, camera = camera_of(server)
    attempts_per_call = FAST_RETRY.max_retries + 1
    server.faults.add(Fault(route="updateHls", kind="status", status=503, times=attempts_per_call))

    async with amnimo.streams.live(sub, camera, keep_alive_period=PERIOD) as session:
        await guarded(time.parked.wait())
        # The first update call failed through all its attempts (short backoffs between them); a
        # short pause, and the next went through well inside the period; the one after came half a
        # period later.
        first, *short, last = time.sleeps
        assert first == last == pytest.approx(PERIOD / 2)
        assert len(short) == attempts_per_call
        assert all(pause < 1 for pause in short)
        assert not session.ended.is_set()
        assert [s.request_id for s in server.world.hls_sessions()] == [session.request_id]

    journal = server.journal
    assert journal.count(route="updateHls", status=503) == attempts_per_call
    assert journal.count(route="updateHls", status=200) == 2
    assert journal.count(route="stopHls", status=200) == 1


async def test_faults_lasting_the_whole_period_end_the_session(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    amnimo, time = on_virtual_time(connect, server, clock)
    amnimo.transport.retry = RetryPolicy(max_retries=0, backoff_base=8.0, backoff_cap=8.0)
    sub, camera = camera_of(server)
    server.faults.add(Fault(route="updateHls", kind="status", status=503))
    session = amnimo.streams.live(sub, camera, keep_alive_period=PERIOD)
    updates: list[int] = []

    async def watch() -> None:
        async with session:
            await guarded(session.ended.wait())
            updates.append(server.journal.count(route="updateHls"))

    with pytest.raises(LiveSessionEndedError) as left:
        await watch()

    assert isinstance(left.value.reason, ServerError)
    # Tried again and again within the period (30 s left after the first, pauses of 4 to 8 s)...
    assert 4 <= updates[0] == len(time.sleeps) <= 8
    assert sum(time.sleeps) <= PERIOD - 1
    # ...and nothing after the session ended but the stop, in case the server still has it.
    assert server.journal.count(route="updateHls") == updates[0]
    assert server.journal.count(route="stopHls", status=200) == 1


async def test_arguments_are_checked_before_anything_is_sent(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server)
    sub, camera = camera_of(server)
    with pytest.raises(ValidationError, match="keep_alive_period"):
        amnimo.streams.live(sub, camera, keep_alive_period=5)
    with pytest.raises(ValidationError, match="dt"):
        amnimo.streams.live(sub, camera, dt="yesterday")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="camera_id"):
        amnimo.streams.live(sub, "not-a-camera")
    assert len(server.journal) == 0


async def test_a_session_runs_once(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve()
    amnimo, _ = on_virtual_time(connect, server, clock, budget=0)
    sub, camera = camera_of(server)
    session = amnimo.streams.live(sub, camera)
    with pytest.raises(RuntimeError, match="not started"):
        session.request_id  # noqa: B018
    async with session:
        pass
    with pytest.raises(RuntimeError, match="runs once"):
        async with session:
            pass
    assert server.journal.count(route="startHls") == server.journal.count(route="stopHls") == 1


async def test_stopped_says_whether_the_stop_went_through(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    amnimo, _ = on_virtual_time(connect, server, clock, budget=0, max_retries=0)
    sub, camera = camera_of(server)

    session = amnimo.streams.live(sub, camera)
    async with session:
        assert not session.stopped
    assert session.stopped

    server.faults.add(Fault(route="stopHls", kind="status", status=503))
    failing = amnimo.streams.live(sub, camera)
    with pytest.raises(ServerError):  # a normal exit raises what stopped the stop
        async with failing:
            pass
    assert failing.ended.is_set()
    assert not failing.stopped
    assert [s.request_id for s in server.world.hls_sessions()] == [failing.request_id]  # still running


async def test_a_session_dropped_by_the_server_counts_as_stopped(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    amnimo, _ = on_virtual_time(connect, server, clock)
    sub, camera = camera_of(server)
    session = amnimo.streams.live(sub, camera)

    async def watch() -> None:
        async with session:
            assert server.world.stop_hls(session.request_id, sub, camera)
            await guarded(session.ended.wait())
            assert not session.stopped  # ended, but the block still runs

    with pytest.raises(LiveSessionEndedError):
        await watch()
    assert session.stopped
    assert server.journal.count(route="stopHls") == 0
