"""The generated data: deterministic, shaped by DataProfile, with open values and odd shapes."""

from __future__ import annotations

from typing import Any

import pytest

from amnimo_async.testing import DataProfile, FakeAmnimo, ManualClock, SubscriptionSpec


def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node]
    for child in node.get("childAccounts", []):
        found += walk(child)
    return found


def test_same_seed_same_data() -> None:
    clock = ManualClock()
    one, two = FakeAmnimo(seed=9, clock=clock), FakeAmnimo(seed=9, clock=clock)
    sub = one.subscription_ids[1]
    assert one.world.hierarchy() == two.world.hierarchy()
    assert list(one.world.cameras(sub)) == list(two.world.cameras(sub))
    assert one.world.media(sub) == two.world.media(sub)
    assert one.world.devices(sub) == two.world.devices(sub)
    other = FakeAmnimo(seed=10, clock=clock)
    assert other.world.camera_id(other.subscription_ids[1], 0) != one.world.camera_id(sub, 0)


def test_hierarchy_shape() -> None:
    fake = FakeAmnimo(profile=DataProfile.uniform(subscriptions=5, cameras=1, media=0))
    nodes = walk(fake.world.hierarchy())
    accounts = [node for node in nodes if node]
    assert len(accounts) == 7  # depth 2, breadth 2
    assert {} in nodes  # some childAccounts hold an empty object
    assert all("accountId" in node for node in accounts)
    assert any("accountName" not in node for node in accounts)
    with_subscription = [node["subscriptionId"] for node in accounts if "subscriptionId" in node]
    assert sorted(with_subscription) == sorted(fake.subscription_ids)
    names = [node["accountName"] for node in accounts if "accountName" in node]
    assert any(name.isascii() for name in names)
    assert any(not name.isascii() for name in names)


def test_profile_helpers() -> None:
    sizes = DataProfile.sizes()
    assert [(s.cameras, s.media, s.devices) for s in sizes.subscriptions] == [
        (0, 0, 0),
        (500, 1000, 100),
        (501, 1001, 101),
    ]
    explicit = DataProfile.explicit([{"cameras": 2345, "media": 1001, "devices": 0}, {}])
    assert explicit.subscriptions[0] == SubscriptionSpec(cameras=2345, media=1001, devices=0)
    assert explicit.subscriptions[1] == SubscriptionSpec()
    wide = DataProfile.explicit([{}] * 12)
    assert wide.account_count() >= 12
    placed = DataProfile(subscriptions=[SubscriptionSpec()] * 2, accounts_with_subscriptions=[3, 5])
    fake = FakeAmnimo(profile=placed)
    accounts = fake.world.dataset.accounts
    assert [a.subscription for a in accounts if a.subscription is not None] == [0, 1]
    assert accounts[3].subscription == 0
    assert accounts[5].subscription == 1
    deep = FakeAmnimo(profile=DataProfile(depth=4, breadth=3))
    assert len(deep.world.account_ids) == 1 + 3 + 9 + 27 + 81


def test_profile_errors() -> None:
    with pytest.raises(ValueError, match="unknown"):
        DataProfile.explicit([{"camera": 3}])
    with pytest.raises(ValueError, match="camera"):
        SubscriptionSpec(cameras=0, media=3)
    with pytest.raises(ValueError, match=">= 0"):
        SubscriptionSpec(cameras=-1)
    with pytest.raises(ValueError, match="outside"):
        DataProfile(subscriptions=[SubscriptionSpec()] * 2, depth=0, breadth=1)
    with pytest.raises(ValueError, match="rate"):
        FakeAmnimo(rate=0)


def test_open_values_appear_in_every_enum_like_field() -> None:
    fake = FakeAmnimo(profile=DataProfile.explicit([{"cameras": 60, "media": 300, "devices": 20}]))
    sub = fake.subscription_ids[0]
    cameras = list(fake.world.cameras(sub))
    media = fake.world.media(sub)
    devices = fake.world.devices(sub)
    ports = [port for index in range(20) for port in fake.world.peripherals(sub, index)]
    external = [item for device in devices for item in device["externalDevices"]]
    known = {
        "status": ({c["status"] for c in cameras}, {"CONNECTED", "DISCONNECTED"}),
        "recordingStatus": ({c["recordingStatus"] for c in cameras}, {"RECORDING", "NOT_RECORDING"}),
        "media status": ({m["status"] for m in media}, {"PROCESSING", "COMPLETED", "FAILED"}),
        "type": ({m["type"] for m in media}, {"IMAGE", "VIDEO"}),
        "source": ({m["source"] for m in media}, {"CLOUD", "EDGE"}),
        "category": ({m["category"] for m in media}, {"CLIP", "SNAPSHOT"}),
        "lnkStatus": ({p["lnkStatus"] for p in ports}, {"LINK_UP", "LINK_DOWN"}),
        "actStatus": ({p["actStatus"] for p in ports}, {"ENABLED", "DISABLED", "ENABLING", "DISABLING"}),
        "external status": ({e["status"] for e in external}, {"CONNECTED", "DISCONNECTED"}),
    }
    for field, (seen, values) in known.items():
        assert seen & values, field
        assert seen - values, f"{field} has no value outside {values}"


def test_ids_decode_only_within_their_subscription() -> None:
    fake = FakeAmnimo(profile=DataProfile.explicit([{"cameras": 100_000, "media": 0}, {}]))
    big, small = fake.subscription_ids
    world = fake.world
    for index in (0, 1, 4242, 99_999):
        camera_id = world.camera_id(big, index)
        assert world.index_of(big, "cameras", camera_id) == index
        assert world.index_of(big, "cameras", camera_id.upper()) == index
        assert world.index_of(small, "cameras", camera_id) is None
    first, second = fake.world.camera_id(big, 0), fake.world.camera_id(big, 1)
    assert first[:8] != second[:8]  # ids do not look sequential


def test_manual_clock() -> None:
    clock = ManualClock(100.0)
    assert clock() == 100.0
    assert clock.advance(2.5) == 102.5
    clock.set(50.0)
    assert clock() == 50.0
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
