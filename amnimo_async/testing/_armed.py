"""Rules armed on the fake in order, each counting the calls it matched and the ones it acted on:
what its faults (:class:`~amnimo_async.testing.FaultSet`) and churn steps share."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

import attrs

R = TypeVar("R")


@attrs.define(eq=False)
class Armed(Generic[R]):
    """One armed rule: the calls it matched so far, and those it fired on."""

    rule: R
    matched: int = 0
    fired: int = 0


A = TypeVar("A", bound="Armed[Any]")


class ArmedRules(Generic[A]):
    """Armed rules, in the order they were armed, under ``lock`` (by default one of their own;
    the churn's is the world's, which also guards the lists it changes). Subclasses arm rules
    and count calls against them; the public methods disarm and read the counts."""

    def __init__(self, lock: AbstractContextManager[Any] | None = None) -> None:
        self._lock = lock if lock is not None else threading.Lock()
        self._armed: list[A] = []

    def _arm(self, armed: Iterable[A]) -> None:
        with self._lock:
            self._armed.extend(armed)

    def remove(self, rule: object) -> None:
        """Disarm one rule."""
        with self._lock:
            self._armed = [armed for armed in self._armed if armed.rule is not rule]

    def clear(self) -> None:
        """Disarm every rule."""
        with self._lock:
            self._armed.clear()

    def _entries(self) -> list[A]:
        with self._lock:
            return list(self._armed)

    def fired(self, rule: object) -> int:
        """How many calls ``rule`` fired on."""
        with self._lock:  # one reading: no count moves while they are summed
            return sum(armed.fired for armed in self._armed if armed.rule is rule)

    def __len__(self) -> int:
        with self._lock:
            return len(self._armed)
