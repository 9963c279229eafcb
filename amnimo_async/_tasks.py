"""Running requests side by side with asyncio tasks, and leaving none behind.

The core runs on asyncio alone (Python 3.10 has no ``asyncio.TaskGroup``): these two helpers are
what a task group would give, the first failure cancelling the rest, and nothing still running
when the caller moves on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


async def all_or_first_failure(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Run ``awaitables`` concurrently; their results in order, or the first failure raised as
    itself (not in a group) once every other one is cancelled and gone."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        await cancel_all(tasks)  # after a failure (or our cancellation) the others still run


async def cancel_all(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel tasks and wait until they are gone (their errors are dropped: nobody wants them).

    The wait is shielded: a caller's cancel scope (anyio's, trio-style) cancels its task again
    at every await, and an unshielded gather would pass that on, cancelling the tasks a second
    time while they close their connections and leaving those connections checked out of the
    pool. Shielded, a repeated cancellation ends only our wait; the tasks finish their clean-up.
    """
    tasks = list(tasks)  # done ones too: gathering them retrieves a failure nobody awaited
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.shield(asyncio.gather(*tasks, return_exceptions=True))
