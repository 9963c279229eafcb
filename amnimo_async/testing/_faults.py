"""Fault and FaultSet: network and server failures injected per route, on schedule or by chance."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Literal, get_args

import attrs

from ._armed import Armed, ArmedRules

FaultKind = Literal[
    "latency",
    "status",
    "rate_limit",
    "reset",
    "reset_mid_body",
    "truncate",
    "malformed",
    "slow_body",
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
_DEFAULT_STATUS = {"status": 503, "rate_limit": 429, "malformed": 200}


def _schedule(value: Iterable[int] | None) -> tuple[int, ...] | None:
    return None if value is None else tuple(value)


@attrs.frozen(kw_only=True)
class Fault:
    """One injected failure.

    Which calls: ``route`` is an operationId (``"listCameras"``, ``"issueToken"``, also the
    fake's own ``"downloadMedia"``, ``"getThumbnailImage"``, ``"getHlsPlaylist"``) or ``"*"`` for
    every API operation (the 19, token call included); ``client_id`` narrows to one client.
    Calls that match are numbered from 1 (from when the fault was added). It fires on the
    calls numbered in ``schedule`` (e.g. ``[1, 3]``), or with ``probability`` (seeded RNG), or,
    with neither, on every matching call; ``times`` caps how often it fires in all (so
    ``Fault(kind="status", times=2)`` fails the next two calls).

    What happens (``kind``):

    - ``latency``: wait ``latency`` seconds plus up to ``jitter`` (uniform), then answer
      normally; combines with any other fault.
    - ``status``: answer ``status`` (default 503) with the error body.
    - ``rate_limit``: answer 429 "Too Many Requests" (a storm of throttling).
    - ``reset``: drop the connection (TCP RST) before any byte of the answer.
    - ``reset_mid_body``: send the status line, headers and the first ``keep`` share of the
      body, then drop the connection.
    - ``truncate``: answer with the real status but only the first ``keep`` share of the body
      (Content-Length matches the cut body, so the HTTP message is whole and the JSON is not).
    - ``malformed``: answer ``status`` (default 200) with ``body`` (default: an HTML page) and
      ``content_type`` (default ``application/json``).
    - ``slow_body``: send the headers, then the body ``chunk_size`` bytes at a time with
      ``chunk_delay`` seconds before each piece (a client read timeout fires).

    ``processed``: for ``status``, ``rate_limit``, ``reset`` and ``malformed``, let the fake
    handle the request first (its state changes; only the answer is lost). ``truncate``,
    ``reset_mid_body`` and ``slow_body`` always handle it, as they need the real answer.
    """

    kind: FaultKind
    route: str = "*"
    client_id: str | None = None
    schedule: tuple[int, ...] | None = attrs.field(default=None, converter=_schedule)
    probability: float | None = None
    times: int | None = None
    status: int | None = None
    latency: float = 0.0
    jitter: float = 0.0
    processed: bool = False
    keep: float = 0.5
    chunk_size: int = 64
    chunk_delay: float = 0.5
    body: bytes | None = None
    content_type: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}, not {self.kind!r}")
        if self.schedule is not None and self.probability is not None:
            raise ValueError("give either schedule or probability, not both")
        if self.schedule is not None and any(n < 1 for n in self.schedule):
            raise ValueError("schedule numbers calls from 1")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0")
        if not 0.0 <= self.keep < 1.0:
            raise ValueError("keep must be within [0, 1)")
        if self.chunk_size < 1 or self.chunk_delay < 0 or self.latency < 0 or self.jitter < 0:
            raise ValueError("chunk_size must be >= 1; delays must be >= 0")

    @property
    def answer_status(self) -> int:
        """The status a ``status``, ``rate_limit`` or ``malformed`` fault answers."""
        if self.kind == "rate_limit":
            return 429
        return self.status if self.status is not None else _DEFAULT_STATUS.get(self.kind, 503)


@attrs.frozen
class FaultPlan:
    """What to do to one call: a total delay and at most one failure."""

    delay: float = 0.0
    fault: Fault | None = None


API_ROUTES_WILDCARD = "*"


class FaultSet(ArmedRules[Armed[Fault]]):
    """The faults of a FakeAmnimo: ``fake.faults.add(Fault(...))``; ``remove(fault)``, ``clear()``,
    ``fired(fault)`` (how many times it fired), ``len()`` and iteration over the faults armed."""

    def __init__(self, seed: int, api_routes: Iterable[str]) -> None:
        super().__init__()
        self._rng = random.Random(seed)
        self._api_routes = frozenset(api_routes)

    def add(self, *faults: Fault) -> Fault:
        """Arm faults (in order; the first that fires on a call wins). Answers the last. Every
        argument is checked first: a batch with something else in it arms nothing."""
        if not faults:
            raise TypeError("add() needs at least one Fault")
        for fault in faults:
            if not isinstance(fault, Fault):
                raise TypeError(f"expected a Fault, not {type(fault).__name__}")
        self._arm(Armed(fault) for fault in faults)
        return faults[-1]

    def __iter__(self) -> Iterator[Fault]:
        return iter([armed.rule for armed in self._entries()])

    def _matches(self, fault: Fault, route: str, client_id: str | None) -> bool:
        if fault.client_id is not None and fault.client_id != client_id:
            return False
        if fault.route == API_ROUTES_WILDCARD:
            return route in self._api_routes
        return fault.route == route

    def plan(self, route: str | None, client_id: str | None) -> FaultPlan:
        """Count this call against every matching fault and decide what happens to it."""
        if route is None:
            return FaultPlan()
        delay = 0.0
        chosen: Fault | None = None
        with self._lock:
            for armed in self._armed:
                fault = armed.rule
                if not self._matches(fault, route, client_id):
                    continue
                armed.matched += 1
                if chosen is not None and fault.kind != "latency":
                    continue
                if fault.times is not None and armed.fired >= fault.times:
                    continue
                if fault.schedule is not None:
                    fires = armed.matched in fault.schedule
                elif fault.probability is not None:
                    fires = self._rng.random() < fault.probability
                else:
                    fires = True
                if not fires:
                    continue
                armed.fired += 1
                if fault.kind == "latency":
                    delay += fault.latency + self._rng.uniform(0.0, fault.jitter)
                else:
                    chosen = fault
        return FaultPlan(delay=delay, fault=chosen)
