"""TokenBucket: the per-client rate limit (rate 5/s, burst 20 by default)."""

from __future__ import annotations

import threading

from ._clock import Clock


class TokenBucket:
    """A token bucket: holds up to ``burst`` tokens, refills at ``rate`` per second.

    The bucket starts full. :meth:`take` spends one token or answers False (HTTP 429).
    """

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = float(rate)
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
        self._updated = now

    def take(self) -> bool:
        """Spend one token if there is one."""
        with self._lock:
            self._refill()
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False

    @property
    def tokens(self) -> float:
        """Tokens available now."""
        with self._lock:
            self._refill()
            return self._tokens

    def seconds_until_token(self) -> float:
        """How long until one token is available (0 if there is one now)."""
        with self._lock:
            self._refill()
            return max(0.0, (1.0 - self._tokens) / self.rate)
