"""The orders the fake lists things in: cameras and devices by position, media by request time.

Cameras and devices are generated, not stored: item ``n`` of a subscription is rebuilt from its
generation index ``n``. :class:`ItemOrder` says which indexes a list holds and in what order. Left
alone it is ``range(count)`` and costs nothing (a subscription of 100,000 cameras pages in
O(page)); the first insertion or deletion writes the order out.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Literal

from ._data import MediaRecord, Subscription
from ._ids import IndexedIds

ListedKind = Literal["cameras", "devices"]


class ItemOrder:
    """The generation indexes of one list (the cameras, or the devices, of one subscription) in
    list order. New items take the next unused index, so an id names one item for ever."""

    def __init__(self, count: int) -> None:
        self._issued = count
        self._order: list[int] | None = None  # None: range(self._issued), untouched
        self._present: set[int] | None = None

    @property
    def issued(self) -> int:
        """How many indexes were ever given out (the present items' and the deleted ones')."""
        return self._issued

    def __len__(self) -> int:
        return self._issued if self._order is None else len(self._order)

    def __iter__(self) -> Iterator[int]:
        return iter(range(self._issued) if self._order is None else list(self._order))

    def index_at(self, position: int) -> int:
        """The index of the item at ``position`` (IndexError beyond the list)."""
        if not 0 <= position < len(self):
            raise IndexError(position)
        return position if self._order is None else self._order[position]

    def window(self, first: int, count: int) -> Sequence[int]:
        """The indexes at positions ``first`` up to ``first + count`` (fewer at the end)."""
        if self._order is None:
            return range(min(first, self._issued), min(first + count, self._issued))
        return self._order[first : first + count]

    def __contains__(self, index: object) -> bool:
        if self._present is None:
            return isinstance(index, int) and 0 <= index < self._issued
        return index in self._present

    def insert(self, position: int) -> int:
        """A new item at ``position`` (0..len); answers its index."""
        order = self._written()
        index = self._issued
        self._issued += 1
        order.insert(position, index)
        assert self._present is not None
        self._present.add(index)
        return index

    def remove(self, position: int) -> int:
        """Delete the item at ``position``; answers its index."""
        order = self._written()
        index = order.pop(position)
        assert self._present is not None
        self._present.discard(index)
        return index

    def _written(self) -> list[int]:
        if self._order is None:
            self._order = list(range(self._issued))
            self._present = set(self._order)
        return self._order


class Listings:
    """The cameras and devices of every subscription, each list in its current order.

    Every read or change of a list passes :meth:`order`, which first calls ``before_use`` (the
    world catches up with its clock there)."""

    def __init__(self, lock: threading.RLock, before_use: Callable[[], object]) -> None:
        self._lock = lock
        self._before_use = before_use
        self._orders: dict[tuple[str, ListedKind], ItemOrder] = {}

    def order(self, sub: Subscription, kind: ListedKind) -> ItemOrder:
        self._before_use()
        with self._lock:
            order = self._orders.get((sub.subscription_id, kind))
            if order is None:
                order = ItemOrder(sub.spec.cameras if kind == "cameras" else sub.spec.devices)
                self._orders[(sub.subscription_id, kind)] = order
            return order

    def listed(self, sub: Subscription, kind: ListedKind, page: int, size: int) -> tuple[int, list[int]]:
        with self._lock:
            order = self.order(sub, kind)
            return len(order), list(order.window(page * size, size))

    def index_of(self, sub: Subscription, kind: ListedKind, item_id: str) -> int | None:
        with self._lock:
            order = self.order(sub, kind)
            index = _issuer(sub, kind).decode(item_id, order.issued)
            return index if index is not None and index in order else None

    def ids(self, sub: Subscription, kind: ListedKind) -> list[str]:
        issuer = _issuer(sub, kind)
        with self._lock:
            return [issuer.issue(index) for index in self.order(sub, kind)]

    def insert(self, sub: Subscription, kind: ListedKind, position: int) -> str:
        with self._lock:
            return _issuer(sub, kind).issue(self.order(sub, kind).insert(position))

    def remove(self, sub: Subscription, kind: ListedKind, position: int) -> str:
        with self._lock:
            return _issuer(sub, kind).issue(self.order(sub, kind).remove(position))

    def id_at(self, sub: Subscription, kind: ListedKind, position: int) -> str:
        """The id at ``position``; past the end, the id the untouched list would have there."""
        with self._lock:
            order = self.order(sub, kind)
            index = order.index_at(position) if 0 <= position < len(order) else position
        return _issuer(sub, kind).issue(index)


def _issuer(sub: Subscription, kind: ListedKind) -> IndexedIds:
    return sub.camera_ids if kind == "cameras" else sub.device_ids


class MediaStore:
    """The media of one subscription, kept sorted by (requested time, id)."""

    def __init__(self, records: Iterable[MediaRecord]) -> None:
        self.by_id = {record.id: record for record in records}
        self.order = sorted((record.requested, record.id) for record in self.by_id.values())

    def add(self, record: MediaRecord) -> None:
        self.by_id[record.id] = record
        bisect.insort(self.order, (record.requested, record.id))

    def remove(self, record: MediaRecord) -> None:
        """Delete ``record``."""
        del self.by_id[record.id]
        del self.order[bisect.bisect_left(self.order, (record.requested, record.id))]

    def newest_first_position(self, record: MediaRecord) -> int:
        """Where ``record`` is in newest-first order (0: the newest)."""
        return len(self.order) - 1 - bisect.bisect_left(self.order, (record.requested, record.id))

    def at(self, position: int) -> MediaRecord:
        """The record at ``position`` of newest-first order."""
        return self.by_id[self.order[len(self.order) - 1 - position][1]]

    def ordered(self, descending: bool, start: int = 0) -> Iterator[MediaRecord]:
        """Records in (descending) request order, from position ``start``."""
        if descending:
            positions: Iterable[int] = range(len(self.order) - 1 - start, -1, -1)
        else:
            positions = range(start, len(self.order))
        for position in positions:
            yield self.by_id[self.order[position][1]]
