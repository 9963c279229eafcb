"""The deterministic generator: accounts, subscriptions, cameras, media, devices, ports.

Everything derives from (seed, profile). Cameras and devices are never stored: item n of a
subscription is rebuilt from (seed, subscription, n) when asked for, and its uuid encodes n
(see ``_ids.IndexedIds``), so paging 100,000 cameras costs O(page) per request. Generated media
are materialised per subscription on first use, because searches sort them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import attrs

from ._ids import IndexedIds, derived_int, derived_token, derived_uuid
from ._profile import DataProfile, SubscriptionSpec
from ._timestamps import format_timestamp

GENERATED_MEDIA_EPOCH = 1_769_904_000.0
"""2026-02-01T00:00:00Z: generated media were requested before this moment."""
THUMBNAIL_INTERVAL = 300
"""Seconds between two thumbnails of a camera."""
HISTORY_SLOT = 3600
"""Seconds per slot of cloud recording (at most one span per slot)."""
HISTORY_RETENTION = 366 * 86400
"""Seconds of cloud recording kept: a window reaching further back finds nothing there (and a
window of centuries costs no more to answer than one of the kept days)."""

_ACCOUNT_NAMES = (
    "テナント",
    "Tokyo HQ",
    "大阪支店",
    "Plant North",
    "名古屋工場",
    "Kyushu Logistics",
    "本社",
    "Sapporo branch",
    "研究所",
    "Yokohama DC",
)
_CAMERA_NAMES = (
    "A工場入り口",
    "Lobby cam",
    "B倉庫",
    "Loading dock",
    "本社ロビー",
    "Gate",
    "駐車場",
    "Warehouse aisle",
    "第2会議室",
    "Server room",
    "正門",
    "Parking lot east",
    "搬入口",
    "Reception",
)
_TAGS = ("タグA", "屋外", "indoor", "entrance", "夜間監視", "PTZ", "重要", "fisheye")
_VERSIONS = ("2.1.0", "2.0.3", "1.9.12", "2.2.0-beta")
_DEVICE_NAMES = ("デバイス", "Edge gateway", "ゲートウェイ", "OpenBlocks")
_EXTERNAL_NAMES = ("外部機器", "PLC", "温度センサー", "Door controller", "照明制御")
_MEDIA_NAMES = ("入口クリップ", "media-testName", "Snapshot", "夜間スナップ", "Incident clip")
_USERS = tuple(f"user-{n:04d}" for n in range(1, 6))


@attrs.frozen
class Account:
    """One account (tenant) of the tree, by breadth-first ``index``."""

    index: int
    account_id: str
    name: str | None
    parent: int | None
    children: tuple[int, ...]
    subscription: int | None


@attrs.frozen
class Subscription:
    """One subscription: its ids, its spec, and the id issuers of its cameras and devices."""

    index: int
    subscription_id: str
    name: str
    account_id: str
    spec: SubscriptionSpec
    key: str
    foreign: bool
    camera_ids: IndexedIds
    device_ids: IndexedIds


@attrs.define
class MediaRecord:
    """A media as the fake stores it (times are epoch seconds); ``ready_at`` drives PROCESSING."""

    id: str
    camera_id: str
    pid: str
    type: str
    source: str
    category: str
    start: float
    end: float
    name: str
    status: str
    requested: float
    size: int
    final_size: int
    user_id: str
    ready_at: float | None = None

    def settle(self, now: float) -> None:
        """Finish processing once the clock has passed ``ready_at``."""
        if self.ready_at is not None and now >= self.ready_at:
            self.status = "COMPLETED"
            self.size = self.final_size
            self.ready_at = None

    def to_wire(self) -> dict[str, Any]:
        """The Media answer (without ``url``)."""
        return {
            "id": self.id,
            "cameraId": self.camera_id,
            "pid": self.pid,
            "type": self.type,
            "source": self.source,
            "category": self.category,
            "startTime": format_timestamp(self.start),
            "endTime": format_timestamp(self.end),
            "name": self.name,
            "status": self.status,
            "requestedDateTime": format_timestamp(self.requested),
            "size": self.size,
            "meta": {"user": {"id": self.user_id}},
        }


class Dataset:
    """The generated, immutable part of the world."""

    def __init__(self, seed: int, profile: DataProfile) -> None:
        self.seed = seed
        self.profile = profile
        self.accounts: list[Account] = []
        self.subscriptions: list[Subscription] = []
        self._build_tree()
        self.foreign_account_id = derived_uuid(seed, "foreign-account")
        self.foreign_subscription = self._subscription(
            len(self.subscriptions), self.foreign_account_id, SubscriptionSpec(), foreign=True
        )
        self.account_by_id = {account.account_id: account for account in self.accounts}
        self.subscription_by_id = {sub.subscription_id: sub for sub in self.subscriptions}
        self.subscription_by_id[self.foreign_subscription.subscription_id] = self.foreign_subscription

    # --- tree -----------------------------------------------------------------------------

    def _build_tree(self) -> None:
        profile = self.profile
        breadth = profile.tree_breadth()
        total = profile.account_count()
        placement = {account: sub for sub, account in enumerate(profile.placement())}
        parents: list[int | None] = [None]
        frontier = [0]
        for _level in range(profile.depth):
            next_frontier = []
            for parent in frontier:
                for _ in range(breadth):
                    next_frontier.append(len(parents))
                    parents.append(parent)
            frontier = next_frontier
        children: dict[int, list[int]] = {index: [] for index in range(total)}
        for child, owner in enumerate(parents):
            if owner is not None:
                children[owner].append(child)
        for index in range(total):
            account_id = derived_uuid(self.seed, "account", index)
            base = _ACCOUNT_NAMES[index % len(_ACCOUNT_NAMES)]
            gap = " " if base.isascii() else ""
            name = None if index % 5 == 4 else f"{base}{gap}{index + 1}"
            self.accounts.append(
                Account(
                    index=index,
                    account_id=account_id,
                    name=name,
                    parent=parents[index],
                    children=tuple(children[index]),
                    subscription=placement.get(index),
                )
            )
        for sub_index, account_index in enumerate(profile.placement()):
            spec = profile.subscriptions[sub_index]
            self.subscriptions.append(
                self._subscription(sub_index, self.accounts[account_index].account_id, spec)
            )

    def _subscription(
        self, index: int, account_id: str, spec: SubscriptionSpec, *, foreign: bool = False
    ) -> Subscription:
        key = derived_token(self.seed, "subscription-key", index, foreign, length=16)
        name = f"サブスクリプション{index + 1}" if index % 2 == 0 else f"Subscription {index + 1}"
        return Subscription(
            index=index,
            subscription_id=derived_uuid(self.seed, "subscription", index, foreign),
            name=("Other tenant " if foreign else "") + name,
            account_id=account_id,
            spec=spec,
            key=key,
            foreign=foreign,
            camera_ids=IndexedIds(key, "camera"),
            device_ids=IndexedIds(key, "device"),
        )

    def descendants(self, account: Account) -> Iterator[Account]:
        """``account`` and every account below it."""
        yield account
        for child in account.children:
            yield from self.descendants(self.accounts[child])

    def hierarchy(self, account: Account) -> dict[str, Any]:
        """The getHierarchy answer for ``account`` (recursive; some leaves hold ``{}``)."""
        node: dict[str, Any] = {}
        if account.name is not None:
            node["accountName"] = account.name
        node["accountId"] = account.account_id
        if account.subscription is not None:
            sub = self.subscriptions[account.subscription]
            node["subscriptionName"] = sub.name
            node["subscriptionId"] = sub.subscription_id
        if account.children:
            node["childAccounts"] = [self.hierarchy(self.accounts[c]) for c in account.children]
        elif account.index % 3 == 0:
            node["childAccounts"] = [{}]
        elif account.index % 3 == 1:
            node["childAccounts"] = []
        return node

    def foreign_hierarchy(self) -> dict[str, Any]:
        """The hierarchy of the other tenant (never visible to the fake's clients)."""
        sub = self.foreign_subscription
        return {
            "accountName": "Other tenant",
            "accountId": self.foreign_account_id,
            "subscriptionName": sub.name,
            "subscriptionId": sub.subscription_id,
            "childAccounts": [],
        }

    # --- cameras --------------------------------------------------------------------------

    def _rng(self, sub: Subscription, kind: str, index: int) -> random.Random:
        return random.Random(derived_int(self.seed, sub.key, kind, index))

    def has_thumbnails(self, index: int) -> bool:
        """Whether camera ``index`` ever produced a thumbnail."""
        return index % 29 not in (7, 13)

    def thumbnail_offset(self, sub: Subscription, index: int) -> int:
        """Phase of the thumbnail grid of camera ``index`` (seconds)."""
        return derived_int(self.seed, sub.key, "thumb-offset", index) % THUMBNAIL_INTERVAL

    def latest_thumbnail(self, sub: Subscription, index: int, now: float) -> float:
        """Epoch seconds of the newest thumbnail of camera ``index`` at ``now``."""
        offset = self.thumbnail_offset(sub, index)
        return ((now - offset) // THUMBNAIL_INTERVAL) * THUMBNAIL_INTERVAL + offset

    def camera(self, sub: Subscription, index: int, now: float) -> dict[str, Any]:
        """Camera ``index`` of ``sub`` as the API writes it, without the thumbnail URL."""
        rng = self._rng(sub, "camera", index)
        connected, recorded = rng.random() < 0.8, rng.random() < 0.75
        status = "CONNECTED" if connected else "DISCONNECTED"
        recording = "RECORDING" if recorded else "NOT_RECORDING"
        if index % 11 == 3:
            status = "MAINTENANCE"
        if index % 11 == 4:
            recording = "SUSPENDED"
        base = _CAMERA_NAMES[rng.randrange(len(_CAMERA_NAMES))]
        camera: dict[str, Any] = {
            "id": sub.camera_ids.issue(index),
            "pid": self.camera_pid(sub, index),
            "deviceVersion": _VERSIONS[rng.randrange(len(_VERSIONS))],
            "status": status,
            "recordingStatus": recording,
            "displayName": f"{base} {index + 1}",
            "tags": rng.sample(_TAGS, rng.randrange(4)),
        }
        if index % 29 == 13:
            camera["thumbnail"] = None
        elif self.has_thumbnails(index):
            camera["thumbnail"] = {
                "ts": format_timestamp(self.latest_thumbnail(sub, index, now)),
            }
        return camera

    def camera_pid(self, sub: Subscription, index: int) -> str:
        """The parent (edge device) id of camera ``index``."""
        if sub.spec.devices:
            return sub.device_ids.issue(index % sub.spec.devices)
        return derived_uuid(self.seed, sub.key, "pid", index // 4)

    def thumbnails(
        self, sub: Subscription, index: int, start: float, end: float, limit: int
    ) -> list[tuple[float, str]]:
        """Up to ``limit`` (time, code) thumbnails in [start, end], newest first."""
        if not self.has_thumbnails(index) or end < start:
            return []
        found: list[tuple[float, str]] = []
        moment = self.latest_thumbnail(sub, index, end)
        while moment >= start and len(found) < limit:
            slot = int(moment // THUMBNAIL_INTERVAL)
            roll = derived_int(self.seed, sub.key, "thumb", index, slot) % 40
            code = "500" if roll == 0 else "404" if roll == 1 else "200"
            found.append((moment, code))
            moment -= THUMBNAIL_INTERVAL
        return found

    def history(
        self, sub: Subscription, index: int, start: float, end: float, now: float
    ) -> list[dict[str, int]]:
        """Recording spans (epoch ms start, ms duration) overlapping [start, end] before ``now``."""
        recording = self.camera(sub, index, now)["recordingStatus"] == "RECORDING"
        share = 8 if recording else 2
        spans: list[dict[str, int]] = []
        first = int(max(start, now - HISTORY_RETENTION) // HISTORY_SLOT) - 1
        last = int(min(end, now) // HISTORY_SLOT)
        for slot in range(first, last + 1):
            roll = derived_int(self.seed, sub.key, "history", index, slot)
            if roll % 10 >= share:
                continue
            begin = slot * HISTORY_SLOT + (roll >> 8) % 600
            length = 1200 + (roll >> 20) % 2400
            finish = min(begin + length, now)
            if finish <= begin or begin >= end or finish <= start:
                continue
            spans.append({"s": int(begin * 1000), "d": int((finish - begin) * 1000)})
        return spans

    # --- media ----------------------------------------------------------------------------

    def generated_media(self, sub: Subscription) -> list[MediaRecord]:
        """The generated media of ``sub``, newest request first."""
        records = []
        for index in range(sub.spec.media):
            rng = self._rng(sub, "media", index)
            if index % 97 == 50:
                category, kind = "TIMELAPSE", "VIDEO"
            elif rng.random() < 0.6:
                category, kind = "CLIP", "VIDEO"
            else:
                category, kind = "SNAPSHOT", "IMAGE"
            if index % 89 == 30:
                kind = "AUDIO"
            source = "CLOUD" if rng.random() < 0.7 else "EDGE"
            if index % 83 == 20:
                source = "SD_CARD"
            if index % 13 == 5:
                status = "PROCESSING"
            elif index % 17 == 6:
                status = "FAILED"
            elif index % 79 == 11:
                status = "ARCHIVED"
            else:
                status = "COMPLETED"
            requested = GENERATED_MEDIA_EPOCH - index * 600 - rng.randrange(300_000) / 1000
            start = requested - 3600 - rng.randrange(86_400)
            end = start if category == "SNAPSHOT" else start + 30 + rng.randrange(570)
            final_size = media_size(category, rng)
            camera_index = 0 if index % 2 == 0 else (index // 2) % sub.spec.cameras
            records.append(
                MediaRecord(
                    id=derived_uuid(self.seed, sub.key, "media", index),
                    camera_id=sub.camera_ids.issue(camera_index),
                    pid=self.camera_pid(sub, camera_index),
                    type=kind,
                    source=source,
                    category=category,
                    start=start,
                    end=end,
                    name=f"{_MEDIA_NAMES[rng.randrange(len(_MEDIA_NAMES))]} {index + 1}",
                    status=status,
                    requested=requested,
                    size=final_size if status == "COMPLETED" else 0,
                    final_size=final_size,
                    user_id=_USERS[rng.randrange(len(_USERS))],
                )
            )
        return records

    # --- devices --------------------------------------------------------------------------

    def external_devices(self, sub: Subscription, index: int) -> list[dict[str, Any]]:
        """The external devices connected to device ``index``."""
        rng = self._rng(sub, "external", index)
        count = rng.randrange(sub.spec.external_devices + 1) if index % 2 else (sub.spec.external_devices)
        found = []
        for number in range(count):
            if (index + number) % 7 == 5:
                status = "UNREACHABLE"
            else:
                status = "CONNECTED" if rng.random() < 0.8 else "DISCONNECTED"
            base = _EXTERNAL_NAMES[rng.randrange(len(_EXTERNAL_NAMES))]
            found.append(
                {
                    "ipAddress": f"192.168.{index % 250}.{number + 10}",
                    "externalDeviceName": f"{base}{number + 1}",
                    "status": status,
                }
            )
        return found

    def device(self, sub: Subscription, index: int) -> dict[str, Any]:
        """Device ``index`` with its external devices (an entry of listExternalDevices)."""
        base = _DEVICE_NAMES[index % len(_DEVICE_NAMES)]
        return {
            "id": sub.device_ids.issue(index),
            "dName": f"{base}{index + 1}" if index % 2 == 0 else f"{base} {index + 1}",
            "externalDevices": self.external_devices(sub, index),
        }

    def peripherals(self, sub: Subscription, index: int) -> list[dict[str, str]]:
        """The ports of device ``index`` in their generated (initial) state."""
        rng = self._rng(sub, "ports", index)
        ports = []
        for number in range(sub.spec.peripherals):
            if (index + number) % 9 == 4:
                link = "UNKNOWN"
            else:
                link = "LINK_UP" if rng.random() < 0.7 else "LINK_DOWN"
            if (index + number) % 11 == 6:
                active = "FAULT"
            else:
                active = rng.choice(("ENABLED", "ENABLED", "ENABLED", "DISABLED", "ENABLING", "DISABLING"))
            ports.append(
                {
                    "id": f"POE{number}",
                    "name": f"POE Port {number}",
                    "type": "POE",
                    "lnkStatus": link,
                    "actStatus": active,
                }
            )
        return ports


def media_size(category: str, rng: random.Random) -> int:
    """A modest file size for a media of ``category`` (snapshots smaller than clips)."""
    if category == "SNAPSHOT":
        return 50_000 + rng.randrange(250_000)
    return 200_000 + rng.randrange(600_000)


def file_chunks(file_id: str, size: int, chunk: int = 65_536) -> Iterator[bytes]:
    """The deterministic content of a downloadable file, ``size`` bytes in chunks."""
    for number, offset in enumerate(range(0, size, chunk)):
        length = min(chunk, size - offset)
        yield random.Random(derived_int(file_id, number)).randbytes(length)
