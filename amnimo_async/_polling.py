"""Bounded, backed-off polling: what ``media.wait`` and ``devices.reset_port`` share.

A poll loop that asks every second spends the client's rate budget (5 requests/s for every
call of the client ID) on a question whose answer changes slowly. :class:`Poller` waits 1 s,
then 2, 4, 8 and 10 s between polls (boto3 waiters do the same) and stops at a deadline, so a
ten-minute clip costs a few dozen requests and a stuck one does not poll forever.

``clock`` and ``sleep`` are the client's time source (``transport.monotonic`` and
``transport.sleep``), so that tests run these loops in virtual time.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from ._arguments import shown
from ._errors import ValidationError

Clock = Callable[[], float]
"""Seconds on a clock that only moves forward (``time.monotonic`` in production)."""
Sleep = Callable[[float], Awaitable[None]]
"""Waits that many seconds (``asyncio.sleep`` in production)."""

FIRST_DELAY = 1.0
MAX_DELAY = 10.0


def positive_seconds(name: str, value: object, *, optional: bool = False) -> float | None:
    """A positive, finite number of seconds (None allowed when ``optional``: no limit)."""
    if value is None and optional:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        allowed = "a positive number of seconds" + (" or None" if optional else "")
        raise ValidationError(name, f"must be {allowed}, got {shown(value)}")
    return float(value)


class Poller:
    """Paces one poll loop: ``await poller.pause()`` between polls answers False once the
    deadline (``timeout`` seconds from now; None: none) has passed.

    The pause before a poll never overshoots the deadline, so the last poll happens at the
    deadline itself: a media that completes just in time is still seen.
    """

    def __init__(
        self,
        timeout: float | None,
        *,
        clock: Clock,
        sleep: Sleep,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._started = clock()
        self._deadline = math.inf if timeout is None else self._started + timeout
        self._delay = first_delay
        self._max_delay = max_delay
        self.polls = 0

    @property
    def elapsed(self) -> float:
        """Seconds since the poller was made."""
        return self._clock() - self._started

    def polled(self) -> None:
        """Count a poll (for the error that reports how many were made)."""
        self.polls += 1

    async def pause(self, seconds: float | None = None) -> bool:
        """Wait before the next poll (the backoff's next delay, or ``seconds``), never past the
        deadline; False, without waiting, when the deadline has already passed."""
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            return False
        if seconds is None:
            seconds = self._delay
            self._delay = min(self._delay * 2, self._max_delay)
        await self._sleep(min(seconds, remaining))
        return True
