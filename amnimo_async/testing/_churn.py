"""Churn: a fake whose lists change on their own, as a busy tenant's do, while clients walk them.

Three ways to change the world, all deterministic given the fake's seed (positions and the
cameras new media belong to come from a seeded generator), all written to one log:

- **rates** (:class:`ChurnRates`): changes per second per subscription, caught up with the fake's
  clock whenever a list is read (a :class:`~amnimo_async.testing.ManualClock` moved by a test
  drives them exactly; the wall clock gives a realistic run);
- **steps** (:class:`ChurnStep`): changes made right before the fake answers a listing request
  (the k-th one, or one for a given page), optionally holding that answer until another page of
  the same list has been answered, for exact interleavings without timing;
- **by hand**: :meth:`Churn.apply`.

New cameras and devices land at random positions of the list order (not only at its end); new
media are requested now, so they land at the head of newest-first order; deletions pick at
random. :meth:`Churn.changes` tells a test what was added and deleted, and when.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Literal, cast, get_args

import attrs

from ._armed import Armed, ArmedRules
from ._clock import Clock
from ._ids import derived_int
from ._state import World

ChangeKind = Literal[
    "media_created", "media_deleted", "cameras_added", "cameras_deleted", "devices_added", "devices_deleted"
]
CHANGE_KINDS: tuple[str, ...] = get_args(ChangeKind)
LISTING_ROUTES = ("listCameras", "listExternalDevices", "searchSubscriptionMedia", "searchCameraMedia")
"""The routes steps apply to (``route="*"``: any of them)."""
CHURN_USER = "churn"
"""The user id of media the churn creates."""
HOLD_LIMIT = 10.0
"""Seconds an answer held by a step waits for its other page at most (a guard: a client that
never asks for that page must not hang the fake)."""


def _rate(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
        raise ValueError(f"{attribute.name} must be a number of changes per second >= 0, not {value!r}")


@attrs.frozen
class ChurnRates:
    """Changes per second in each subscription while the fake serves (0: none of that kind)."""

    media_created: float = attrs.field(default=0.0, validator=_rate)
    media_deleted: float = attrs.field(default=0.0, validator=_rate)
    cameras_added: float = attrs.field(default=0.0, validator=_rate)
    cameras_deleted: float = attrs.field(default=0.0, validator=_rate)
    devices_added: float = attrs.field(default=0.0, validator=_rate)
    devices_deleted: float = attrs.field(default=0.0, validator=_rate)

    def of(self, kind: str) -> float:
        """The rate of ``kind`` (one of :data:`CHANGE_KINDS`)."""
        return float(getattr(self, kind))


@attrs.frozen
class Change:
    """One change: its number in the log (from 0), when (fake clock), in which subscription, of
    which kind, to which item, and where (list position; for media, newest-first position)."""

    sequence: int
    time: float
    subscription_id: str
    kind: ChangeKind
    item_id: str
    position: int


def _changes(value: Mapping[str, int]) -> Mapping[str, int]:
    unknown = set(value) - set(CHANGE_KINDS)
    if unknown or any(not isinstance(n, int) or n < 0 for n in value.values()):
        raise ValueError(f"changes must map kinds of {CHANGE_KINDS} to counts >= 0, not {dict(value)!r}")
    return dict(value)


@attrs.frozen(kw_only=True)
class ChurnStep:
    """Changes made right before the fake answers a listing request.

    Which requests: ``route`` (one of :data:`LISTING_ROUTES`, or ``"*"``), narrowed to one
    ``subscription_id`` and to requests for ``page`` (``page``/``pageNumber``); matching requests
    are numbered from 1 and ``nth`` picks one; ``times`` caps how many it applies to (None: all).
    What: ``changes`` (kind -> count) in the request's subscription, new cameras or devices at
    ``position`` (None: random). ``after_page`` holds the answer until page ``after_page`` of the
    same route and subscription has been answered (after the step was added), then makes the
    changes: ``ChurnStep(route="listCameras", page=1, after_page=2, changes={"cameras_added": 1},
    position=0)`` answers page 2 before page 1, with a camera inserted in between.
    """

    route: str = "*"
    subscription_id: str | None = None
    page: int | None = None
    nth: int | None = None
    times: int | None = 1
    changes: Mapping[str, int] = attrs.field(factory=dict, converter=_changes)
    position: int | None = None
    after_page: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.route != "*" and self.route not in LISTING_ROUTES:
            raise ValueError(f"route must be '*' or one of {LISTING_ROUTES}, not {self.route!r}")
        if (self.nth is not None and self.nth < 1) or (self.times is not None and self.times < 0):
            raise ValueError("nth numbers requests from 1; times must be >= 0")


@attrs.define(eq=False)
class _ArmedStep(Armed[ChurnStep]):
    answered_before: Counter[tuple[str, str, int]] = attrs.field(factory=Counter)


class _Steps(ArmedRules[_ArmedStep]):
    """The churn's armed steps; one that waits for another page (``after_page``) knows how many
    answers of each page came before it was added."""

    def add(self, steps: Iterable[ChurnStep], answers: Counter[tuple[str, str, int]]) -> None:
        # Only those steps read the answers: the others need no copy.
        self._arm(
            _ArmedStep(step, answered_before=Counter(answers))
            if step.after_page is not None
            else _ArmedStep(step)
            for step in steps
        )

    def firing(self, route: str, subscription_id: str, page: int) -> list[_ArmedStep]:
        """Count this request against every step; the steps that fire on it."""
        with self._lock:
            return [armed for armed in self._armed if _fires(armed, route, subscription_id, page)]


def _fires(armed: _ArmedStep, route: str, subscription_id: str, page: int) -> bool:
    step = armed.rule
    if step.route not in ("*", route) or (step.page is not None and step.page != page):
        return False
    if step.subscription_id is not None and step.subscription_id.lower() != subscription_id:
        return False
    armed.matched += 1
    if (step.nth is not None and armed.matched != step.nth) or (
        step.times is not None and armed.fired >= step.times
    ):
        return False
    armed.fired += 1
    return True


class Churn:
    """The changes a fake makes on its own: ``fake.churn`` (see the module's text)."""

    def __init__(self, world: World, seed: int, clock: Clock, rates: ChurnRates | None = None) -> None:
        self._world = world
        self._lock: threading.RLock = world.lock
        self._clock = clock
        self._rng = random.Random(derived_int(seed, "churn"))
        self._log: list[Change] = []
        self._steps = _Steps(self._lock)
        self._answers: Counter[tuple[str, str, int]] = Counter()
        self._waiters: list[tuple[tuple[str, str, int], int, asyncio.Event]] = []
        self._catching_up = False
        self._due: dict[tuple[str, str], int]  # set by start(); declared for the type checker
        self.start(rates if rates is not None else ChurnRates())

    # --- rates ------------------------------------------------------------------------------

    @property
    def rates(self) -> ChurnRates:
        """The background rates (all 0: none)."""
        return self._rates

    def start(self, rates: ChurnRates) -> None:
        """Change at ``rates`` from now on (the fake's clock)."""
        with self._lock:
            self._rates, self._started, self._due = rates, self._clock(), {}
            # The kinds that change, worked out here: every read of the fake catches up.
            self._active = [
                (number, kind, rate)
                for number, kind in enumerate(CHANGE_KINDS)
                if (rate := rates.of(kind)) > 0
            ]

    def stop(self) -> None:
        """No more background changes."""
        self.start(ChurnRates())

    def catch_up(self) -> list[Change]:
        """Make the background changes due by the clock, in the order they fell due."""
        if not self._active:
            return []
        with self._lock:
            # Its own changes read the world, which calls it again: no changes inside a change.
            if self._catching_up:
                return []
            self._catching_up = True
            try:
                return self._make_due()
            finally:
                self._catching_up = False

    def _make_due(self) -> list[Change]:
        elapsed = self._clock() - self._started
        due: list[tuple[float, int, int, str, str]] = []
        for sub_number, sub in enumerate(self._world.subscription_ids):
            for kind_number, kind, rate in self._active:
                owed = math.floor(elapsed * rate + 1e-9)
                done = self._due.get((sub, kind), 0)
                due += [(n / rate, kind_number, sub_number, sub, kind) for n in range(done + 1, owed + 1)]
                self._due[(sub, kind)] = max(done, owed)
        made = [self._change(sub, cast(ChangeKind, kind), None) for *_, sub, kind in sorted(due)]
        return [change for change in made if change is not None]

    # --- by hand ----------------------------------------------------------------------------

    def apply(
        self, subscription_id: str, kind: str, count: int = 1, *, position: int | None = None
    ) -> list[Change]:
        """Make ``count`` changes of ``kind`` in a subscription now (new cameras or devices at
        ``position``, else at random); answers them (fewer when there is nothing to delete)."""
        if kind not in CHANGE_KINDS:
            raise ValueError(f"kind must be one of {CHANGE_KINDS}, not {kind!r}")
        with self._lock:
            made = [
                self._change(subscription_id.lower(), cast(ChangeKind, kind), position) for _ in range(count)
            ]
        return [change for change in made if change is not None]

    def _change(self, sub: str, kind: ChangeKind, position: int | None) -> Change | None:
        world, rng = self._world, self._rng
        if kind == "media_created":
            cameras = world.order(sub, "cameras")
            if not len(cameras):
                return None
            camera = cameras.index_at(rng.randrange(len(cameras)))
            category = rng.choice(("CLIP", "SNAPSHOT"))
            now = world.now()
            record = world.create_media(
                sub, camera, category=category, start=now - 600, end=None, name=None, user_id=CHURN_USER
            )
            return self._logged(sub, kind, record.id, world.media_position(sub, record.id))
        if kind == "media_deleted":
            count = world.media_count(sub)
            if not count:
                return None
            where = rng.randrange(count) if position is None else min(position, count - 1)
            record = world.media_at(sub, where)
            world.delete_media(sub, record.id)
            return self._logged(sub, kind, record.id, where)
        listed: Literal["cameras", "devices"] = "cameras" if kind.startswith("cameras") else "devices"
        count = len(world.order(sub, listed))
        if kind.endswith("_added"):
            where = rng.randint(0, count) if position is None else min(position, count)
            return self._logged(sub, kind, world.insert(sub, listed, where), where)
        if not count:
            return None
        where = rng.randrange(count) if position is None else min(position, count - 1)
        return self._logged(sub, kind, world.remove(sub, listed, where), where)

    def _logged(self, sub: str, kind: ChangeKind, item_id: str, position: int) -> Change:
        change = Change(len(self._log), self._world.now(), sub, kind, item_id, position)
        self._log.append(change)
        return change

    # --- steps ------------------------------------------------------------------------------

    def add(self, *steps: ChurnStep) -> ChurnStep:
        """Arm steps (in order); answers the last."""
        if not steps:
            raise TypeError("add() needs at least one ChurnStep")
        with self._lock:
            self._steps.add(steps, self._answers)
        return steps[-1]

    def clear_steps(self) -> None:
        """Disarm every step."""
        self._steps.clear()

    def fired(self, step: ChurnStep) -> int:
        """How many requests ``step`` applied to."""
        return self._steps.fired(step)

    async def before_answer(self, route: str, subscription_id: str, page: int) -> None:
        """Run the steps matching this request (the fake calls it before reading the list)."""
        firing = self._steps.firing(route, subscription_id, page)
        for armed in firing:
            step = armed.rule
            if step.after_page is not None:
                key = (route, subscription_id, step.after_page)
                await self._answered(key, armed.answered_before[key] + 1)
            for kind, count in step.changes.items():
                self.apply(step.subscription_id or subscription_id, kind, count, position=step.position)

    def answered(self, route: str, subscription_id: str, page: int) -> None:
        """The fake has computed its answer to this request (releases answers held for it)."""
        key = (route, subscription_id, page)
        with self._lock:
            self._answers[key] += 1
            ready = [w for w in self._waiters if w[0] == key and self._answers[key] >= w[1]]
        for _, _, event in ready:
            event.set()

    async def _answered(self, key: tuple[str, str, int], count: int) -> None:
        with self._lock:
            if self._answers[key] >= count:
                return
            event = asyncio.Event()
            self._waiters.append((key, count, event))
        try:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), HOLD_LIMIT)
        finally:
            with self._lock:
                self._waiters = [w for w in self._waiters if w[2] is not event]

    # --- the log ----------------------------------------------------------------------------

    def mark(self) -> int:
        """The log's length now: ``changes(since=mark)`` gives what happened after this call."""
        with self._lock:
            return len(self._log)

    def changes(
        self, *, since: int = 0, kind: str | None = None, subscription_id: str | None = None
    ) -> list[Change]:
        """The changes made (from number ``since``), optionally only of ``kind`` or one subscription."""
        sub = subscription_id.lower() if subscription_id is not None else None
        with self._lock:
            return [
                change
                for change in self._log[since:]
                if (kind is None or change.kind == kind) and (sub is None or change.subscription_id == sub)
            ]

    def __repr__(self) -> str:
        return f"<Churn {self._rates} changes={len(self._log)}>"
