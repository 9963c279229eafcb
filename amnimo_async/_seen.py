"""The ids a walk has handed out, kept compactly so that a walk hands each id out at most once.

A walk of 100,000 items remembers 100,000 ids. Kept as text, a uuid costs 85 bytes plus its slot
in the set; kept as its 128-bit integer, 44 bytes plus the slot (about 86 bytes an id in all,
8.2 MiB for 100,000: :meth:`SeenIds.footprint` counts it). Ids that are not uuids in the
8-4-4-4-12 form are kept as they are. A uuid is matched whatever its letter case, as uuids are.
"""

from __future__ import annotations

import sys

from ._arguments import _UUID as UUID_PATTERN  # the one definition of a uuid's text form

__all__ = ["SeenIds", "id_key"]


def id_key(item_id: str) -> int | str:
    """What :class:`SeenIds` stores for ``item_id``: the integer of a uuid, else the id itself.

    Distinct ids give distinct keys: a uuid's integer can only equal another uuid's (of the same
    digits), and a string never equals an integer.
    """
    if UUID_PATTERN.match(item_id):
        return int(item_id.replace("-", ""), 16)
    return item_id


class SeenIds:
    """A set of ids, each stored as :func:`id_key` gives it."""

    __slots__ = ("_keys",)

    def __init__(self) -> None:
        self._keys: set[int | str] = set()

    def add(self, item_id: str) -> bool:
        """Remember ``item_id``; True when it was not seen before."""
        before = len(self._keys)
        self._keys.add(id_key(item_id))
        return len(self._keys) != before

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and id_key(item_id) in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def footprint(self) -> int:
        """Bytes held: the set's table and every key object (``sys.getsizeof``)."""
        return sys.getsizeof(self._keys) + sum(sys.getsizeof(key) for key in self._keys)

    def __repr__(self) -> str:
        return f"<SeenIds {len(self._keys)}>"
