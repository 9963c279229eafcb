"""Walks over lists that change while they are walked: the SDK against a churning FakeAmnimo on
loopback (the integration suite's ``serve``/``connect``/``clock`` fixtures).

A test knows what existed throughout a walk from the fake's churn log: the ids listed before the
walk, less those the log says were deleted during it.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable

from amnimo_async.testing import DataProfile, FakeAmnimo, FakeServer

from ..integration.conftest import Connect, Serve, clock, connect, serve

__all__ = ["Connect", "Serve", "clock", "connect", "serve"]

SEARCH = "searchSubscriptionMedia"
"""The subscription-wide media search's route in the fake's journal."""


def media_server(serve: Serve, media: int = 230, cameras: int = 2) -> FakeServer:
    """A fake on loopback with one subscription of ``cameras`` cameras, ``media`` media, no devices."""
    return serve(profile=DataProfile.explicit([{"cameras": cameras, "media": media, "devices": 0}]))


def churn_of(server: FakeServer) -> FakeAmnimo:
    """The served fake (its ``churn`` and ``world``)."""
    fake = server.fake
    assert isinstance(fake, FakeAmnimo)
    return fake


def deleted_since(server: FakeServer, mark: int, kind: str, subscription_id: str) -> set[str]:
    """Ids of ``kind`` ("cameras", "devices", "media") the churn deleted after ``mark``."""
    kind_deleted = f"{kind}_deleted"
    changes = churn_of(server).churn.changes(since=mark, kind=kind_deleted, subscription_id=subscription_id)
    return {change.item_id for change in changes}


def added_since(server: FakeServer, mark: int, kind: str, subscription_id: str) -> set[str]:
    """Ids of ``kind`` the churn added (media: created) after ``mark``."""
    kind_added = "media_created" if kind == "media" else f"{kind}_added"
    changes = churn_of(server).churn.changes(since=mark, kind=kind_added, subscription_id=subscription_id)
    return {change.item_id for change in changes}


def repeated(ids: Iterable[str]) -> list[str]:
    """The ids that occur more than once."""
    return [item for item, count in collections.Counter(ids).items() if count > 1]
