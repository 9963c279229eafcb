"""DataProfile: the shape of the data the fake generates (hierarchy and per-subscription sizes)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

CAMERA_PAGE = 500
"""Largest page of listCameras."""
MEDIA_PAGE = 1000
"""Largest page of the media searches."""
DEVICE_PAGE = 100
"""Largest page listExternalDevices honours."""


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{attribute.name} must be an integer >= 0, not {value!r}")


@attrs.frozen
class SubscriptionSpec:
    """How much data one subscription holds.

    ``external_devices`` is the most external devices a device has (each device gets between 0
    and that many, deterministically); ``peripherals`` is the number of ports of every device.
    """

    cameras: int = attrs.field(default=20, validator=_non_negative)
    media: int = attrs.field(default=50, validator=_non_negative)
    devices: int = attrs.field(default=5, validator=_non_negative)
    external_devices: int = attrs.field(default=3, validator=_non_negative)
    peripherals: int = attrs.field(default=4, validator=_non_negative)

    def __attrs_post_init__(self) -> None:
        if self.media and not self.cameras:
            raise ValueError("a subscription with media needs at least one camera")


def _to_specs(value: Iterable[SubscriptionSpec | Mapping[str, int]]) -> tuple[SubscriptionSpec, ...]:
    specs: list[SubscriptionSpec] = []
    for item in value:
        if isinstance(item, SubscriptionSpec):
            specs.append(item)
        else:
            unknown = set(item) - {field.name for field in attrs.fields(SubscriptionSpec)}
            if unknown:
                raise ValueError(f"unknown SubscriptionSpec fields: {sorted(unknown)}")
            specs.append(SubscriptionSpec(**item))
    return tuple(specs)


def _to_placement(value: Iterable[int] | None) -> tuple[int, ...] | None:
    return None if value is None else tuple(value)


@attrs.frozen
class DataProfile:
    """The data of a FakeAmnimo: an account tree and the subscriptions in it.

    The tree has ``depth`` levels below the root account and ``breadth`` children per account
    (``None``: the smallest breadth >= 2 that fits every subscription). Subscriptions go to the
    accounts listed in ``accounts_with_subscriptions`` (indexes in breadth-first order, root = 0),
    by default to the first accounts in breadth-first order. Accounts without one carry no
    subscription fields, as the API allows.

    Helpers: :meth:`sizes` (page edges), :meth:`explicit` (counts per subscription),
    :meth:`uniform` (N alike subscriptions).
    """

    subscriptions: tuple[SubscriptionSpec, ...] = attrs.field(
        factory=lambda: (SubscriptionSpec(),) * 3, converter=_to_specs
    )
    depth: int = attrs.field(default=2, validator=_non_negative)
    breadth: int | None = None
    accounts_with_subscriptions: tuple[int, ...] | None = attrs.field(default=None, converter=_to_placement)

    def __attrs_post_init__(self) -> None:
        if self.breadth is not None and self.breadth < 1:
            raise ValueError("breadth must be >= 1")
        placement = self.placement()
        if len(set(placement)) != len(placement):
            raise ValueError("accounts_with_subscriptions must not repeat an account")
        if any(index < 0 or index >= self.account_count() for index in placement):
            raise ValueError(
                f"the tree has {self.account_count()} accounts (depth {self.depth}, breadth "
                f"{self.tree_breadth()}); a subscription was placed outside it"
            )

    def tree_breadth(self) -> int:
        """Children per account, resolved when ``breadth`` is None."""
        if self.breadth is not None:
            return self.breadth
        breadth = 2
        while _tree_size(self.depth, breadth) < len(self.subscriptions):
            breadth += 1
        return breadth

    def account_count(self) -> int:
        """Number of accounts in the tree."""
        return _tree_size(self.depth, self.tree_breadth())

    def placement(self) -> tuple[int, ...]:
        """Breadth-first index of the account of each subscription, in order."""
        if self.accounts_with_subscriptions is not None:
            if len(self.accounts_with_subscriptions) != len(self.subscriptions):
                raise ValueError("accounts_with_subscriptions needs one account per subscription")
            return self.accounts_with_subscriptions
        return tuple(range(len(self.subscriptions)))

    @classmethod
    def sizes(cls, **kwargs: Any) -> DataProfile:
        """Three subscriptions at the paging edges: empty, exactly one page, one page plus one.

        Page sizes: 500 cameras, 1000 media, 100 devices (listExternalDevices).
        """
        return cls(
            subscriptions=(
                SubscriptionSpec(cameras=0, media=0, devices=0),
                SubscriptionSpec(cameras=CAMERA_PAGE, media=MEDIA_PAGE, devices=DEVICE_PAGE),
                SubscriptionSpec(cameras=CAMERA_PAGE + 1, media=MEDIA_PAGE + 1, devices=DEVICE_PAGE + 1),
            ),
            **kwargs,
        )

    @classmethod
    def explicit(
        cls, subscriptions: Sequence[SubscriptionSpec | Mapping[str, int]], **kwargs: Any
    ) -> DataProfile:
        """One subscription per entry, e.g. ``explicit([{"cameras": 2345, "media": 1001}])``.

        Keys are SubscriptionSpec fields; absent keys take the SubscriptionSpec defaults.
        """
        return cls(subscriptions=_to_specs(subscriptions), **kwargs)

    @classmethod
    def uniform(cls, subscriptions: int = 3, **counts: int) -> DataProfile:
        """``subscriptions`` alike subscriptions, each with ``counts`` (SubscriptionSpec fields)."""
        spec = _to_specs([counts])[0]
        return cls(subscriptions=(spec,) * subscriptions)


def _tree_size(depth: int, breadth: int) -> int:
    return sum(breadth**level for level in range(depth + 1))
