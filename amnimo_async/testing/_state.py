"""World: the fake's data as tests see it, with the mutable parts (media, HLS, ports).

Generated data comes from ``_data.Dataset``; on top of it the world keeps created, renamed and
deleted media, live HLS sessions and port states. Time-driven changes (media processing, HLS
keep-alive, port reset) are evaluated lazily against the clock when read.

Tests shape the flows through it: :meth:`World.fail_media` and :attr:`World.fail_new_media`
(media that end FAILED), :attr:`World.port_boot_delay` (ports that take longer than their
timer to come back) and :attr:`World.storage` (how the file host treats ranges and credentials).
Cameras and devices can be inserted and deleted (``fake.churn`` does it); the world lists them in
their current order, and :attr:`World.before_read` runs whenever it reads or changes a list or the
media of a subscription (the churn's background changes catch up with the clock there).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from ._clock import Clock
from ._data import Dataset, MediaRecord, Subscription, media_size
from ._ids import derived_int, derived_uuid
from ._lists import ItemOrder, ListedKind, Listings, MediaStore


@attrs.define
class HlsSession:
    """A live HLS playback request; it ends at ``expires_at`` unless updated."""

    request_id: str
    subscription_id: str
    camera_id: str
    dt: str
    keep_alive: int
    started: float
    expires_at: float


@attrs.define
class StorageOptions:
    """How the fake's file host (the presigned ``/_files/`` URLs) behaves: ``world.storage``.

    ``honour_ranges``: answer ``Range: bytes=...`` with 206 and that part (False: the whole
    file with 200, as a host that ignores ranges does). ``refuse_authorization``: answer 400 to a
    download that carries an ``Authorization`` header, as a storage host does when a presigned
    URL comes with other credentials (so a client sending its bearer token there fails).
    """

    honour_ranges: bool = True
    refuse_authorization: bool = True


@attrs.define
class _PortState:
    """A port's activation status; after a reset, ENABLING from ``enabling_at`` and ENABLED
    from ``enabled_at``."""

    act_status: str
    enabling_at: float | None = None
    enabled_at: float | None = None


class World:
    """Read access to the fake's data for assertions, and the state the routes change.

    Ids: :attr:`account_id` (the root account every client sees), :attr:`subscription_ids`
    (in profile order), :attr:`foreign_account_id` / :attr:`foreign_subscription_id` (another
    tenant: well-formed, existing, and answered with 403).
    """

    def __init__(self, dataset: Dataset, clock: Clock, media_processing_delay: float) -> None:
        self.dataset = dataset
        self._clock = clock
        self._media_delay = media_processing_delay
        self._media: dict[str, MediaStore] = {}
        self._failing: set[str] = set()
        self._hls: dict[str, HlsSession] = {}
        self._ports: dict[tuple[str, int, str], _PortState] = {}
        self._created = 0
        self._lock = threading.RLock()
        self._listings = Listings(self._lock, self._catch_up)
        self.storage = StorageOptions()
        """How the file host answers downloads (ranges, credentials); see :class:`StorageOptions`."""
        self.fail_new_media = False
        """True: media created from now on end their processing FAILED instead of COMPLETED."""
        self.port_boot_delay = 0.0
        """Seconds a reset port stays ENABLING after its timer before it is ENABLED again."""
        self.before_read: Callable[[], object] = _nothing
        """Called before the world reads or changes a list or a subscription's media (the churn
        catches up there, under :attr:`lock`)."""

    def _catch_up(self) -> None:
        # Every list read passes Listings.order, every media read _store: both call this.
        self.before_read()

    @property
    def lock(self) -> threading.RLock:
        """The lock every change of the world is made under (the churn's changes too)."""
        return self._lock

    # --- ids ------------------------------------------------------------------------------

    @property
    def account_id(self) -> str:
        """The root account of the clients' tenant."""
        return self.dataset.accounts[0].account_id

    @property
    def account_ids(self) -> list[str]:
        """Every account of the tenant, breadth-first."""
        return [account.account_id for account in self.dataset.accounts]

    @property
    def subscription_ids(self) -> list[str]:
        """The subscriptions of the tenant, in profile order."""
        return [sub.subscription_id for sub in self.dataset.subscriptions]

    @property
    def foreign_account_id(self) -> str:
        """An account of another tenant (403 for every client)."""
        return self.dataset.foreign_account_id

    @property
    def foreign_subscription_id(self) -> str:
        """A subscription of another tenant (403 for every client)."""
        return self.dataset.foreign_subscription.subscription_id

    def now(self) -> float:
        """The fake's clock."""
        return self._clock()

    def subscription(self, subscription_id: str) -> Subscription:
        """The generated subscription (KeyError when unknown)."""
        return self.dataset.subscription_by_id[subscription_id.lower()]

    # --- accounts and cameras -------------------------------------------------------------

    def hierarchy(self, account_id: str | None = None) -> dict[str, Any]:
        """The getHierarchy answer for ``account_id`` (default: the root account)."""
        account = self.dataset.account_by_id[(account_id or self.account_id).lower()]
        return self.dataset.hierarchy(account)

    def camera_count(self, subscription_id: str) -> int:
        """Number of cameras of a subscription."""
        return len(self.order(subscription_id, "cameras"))

    def camera(self, subscription_id: str, position: int) -> dict[str, Any]:
        """The camera at ``position`` of listCameras order as the API writes it, without URLs."""
        sub = self.subscription(subscription_id)
        index = self.order(subscription_id, "cameras").index_at(position)
        return self.dataset.camera(sub, index, self.now())

    def cameras(self, subscription_id: str) -> Iterator[dict[str, Any]]:
        """Every camera of a subscription in listCameras order (generated one by one)."""
        sub = self.subscription(subscription_id)
        for index in self.order(subscription_id, "cameras"):
            yield self.dataset.camera(sub, index, self.now())

    def camera_id(self, subscription_id: str, position: int) -> str:
        """The id of the camera at ``position`` (cheap: no camera is built)."""
        return self._listings.id_at(self.subscription(subscription_id), "cameras", position)

    # --- cameras and devices: generated, in an order insertions and deletions change ------

    def order(self, subscription_id: str, kind: ListedKind) -> ItemOrder:
        """The generation indexes of a subscription's cameras or devices, in list order."""
        return self._listings.order(self.subscription(subscription_id), kind)

    def listed(self, subscription_id: str, kind: ListedKind, page: int, size: int) -> tuple[int, list[int]]:
        """What a listing answers now: the total, and the generation indexes on page ``page``."""
        return self._listings.listed(self.subscription(subscription_id), kind, page, size)

    def index_of(self, subscription_id: str, kind: ListedKind, item_id: str) -> int | None:
        """The generation index of the camera or device ``item_id`` if it is listed now, else None."""
        return self._listings.index_of(self.subscription(subscription_id), kind, item_id)

    def ids(self, subscription_id: str, kind: ListedKind) -> list[str]:
        """The ids of a subscription's cameras or devices, in list order, now."""
        return self._listings.ids(self.subscription(subscription_id), kind)

    def insert(self, subscription_id: str, kind: ListedKind, position: int) -> str:
        """A new camera or device at ``position`` (0..count) of the list; answers its id."""
        return self._listings.insert(self.subscription(subscription_id), kind, position)

    def remove(self, subscription_id: str, kind: ListedKind, position: int) -> str:
        """Delete the camera or device at ``position``; answers its id."""
        return self._listings.remove(self.subscription(subscription_id), kind, position)

    # --- media ----------------------------------------------------------------------------

    def _store(self, sub: Subscription) -> MediaStore:
        self._catch_up()
        store = self._media.get(sub.subscription_id)
        if store is None:
            store = MediaStore(self.dataset.generated_media(sub))
            self._media[sub.subscription_id] = store
        return store

    def find_media(self, subscription_id: str, media_id: str) -> MediaRecord | None:
        """A media of the subscription with processing settled, or None."""
        with self._lock:
            record = self._store(self.subscription(subscription_id)).by_id.get(media_id)
            if record is not None:
                self._settle(record, self.now())
            return record

    def media(
        self,
        subscription_id: str,
        *,
        camera_id: str | None = None,
        categories: frozenset[str] | None = None,
        descending: bool = True,
    ) -> list[dict[str, Any]]:
        """Every media of a subscription (or one camera) in search order, as the API writes it."""
        return [
            record.to_wire()
            for record in self.search_media(
                subscription_id, camera_id=camera_id, categories=categories, descending=descending
            )
        ]

    def search_media(
        self,
        subscription_id: str,
        *,
        camera_id: str | None = None,
        categories: frozenset[str] | None = None,
        descending: bool = True,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[MediaRecord]:
        """Media records in search order, filtered, from ``offset``, at most ``limit``."""
        now = self.now()
        camera = camera_id.lower() if camera_id is not None else None
        found: list[MediaRecord] = []
        skipped = 0
        unfiltered = camera is None and categories is None
        with self._lock:
            store = self._store(self.subscription(subscription_id))
            # Without filters, jump straight to the page: O(page), not O(all media).
            start, skipped = (offset, offset) if unfiltered else (0, 0)
            for record in store.ordered(descending, start):
                if camera is not None and record.camera_id != camera:
                    continue
                if categories is not None and record.category not in categories:
                    continue
                if skipped < offset:
                    skipped += 1
                    continue
                self._settle(record, now)
                found.append(record)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def media_count(self, subscription_id: str) -> int:
        """Number of media of a subscription."""
        with self._lock:
            return len(self._store(self.subscription(subscription_id)).order)

    def media_at(self, subscription_id: str, position: int) -> MediaRecord:
        """The media at ``position`` of newest-first order (IndexError beyond the end)."""
        with self._lock:
            store = self._store(self.subscription(subscription_id))
            if not 0 <= position < len(store.order):
                raise IndexError(position)
            return store.at(position)

    def media_position(self, subscription_id: str, media_id: str) -> int:
        """Where a media is in newest-first order (KeyError when it does not exist)."""
        with self._lock:
            store = self._store(self.subscription(subscription_id))
            return store.newest_first_position(store.by_id[media_id])

    def create_media(
        self,
        subscription_id: str,
        camera_index: int,
        *,
        category: str,
        start: float,
        end: float | None,
        name: str | None,
        user_id: str,
    ) -> MediaRecord:
        """Request a clip or snapshot: PROCESSING until ``media_processing_delay`` has passed."""
        sub = self.subscription(subscription_id)
        now = self.now()
        with self._lock:
            self._created += 1
            media_id = derived_uuid(self.dataset.seed, sub.key, "created", self._created)
            rng = random.Random(derived_int(media_id))
            if end is None:
                end = start if category == "SNAPSHOT" else start + 30
            record = MediaRecord(
                id=media_id,
                camera_id=sub.camera_ids.issue(camera_index),
                pid=self.dataset.camera_pid(sub, camera_index),
                type="IMAGE" if category == "SNAPSHOT" else "VIDEO",
                source="CLOUD",
                category=category,
                start=start,
                end=end,
                name=name if name is not None else f"{category.lower()}-{int(start)}",
                status="PROCESSING",
                requested=now,
                size=0,
                final_size=media_size(category, rng),
                user_id=user_id,
                ready_at=now + self._media_delay,
            )
            if self.fail_new_media:
                self._failing.add(media_id)
            self._settle(record, now)
            self._store(sub).add(record)
            return record

    def fail_media(self, subscription_id: str, media_id: str) -> MediaRecord | None:
        """Make a media FAILED now (no file, size 0); None when it does not exist."""
        with self._lock:
            record = self._store(self.subscription(subscription_id)).by_id.get(media_id)
            if record is None:
                return None
            self._failing.add(media_id)
            record.ready_at = None  # a media still processing fails now, not when it would have finished
            self._settle(record, self.now())
            return record

    def _settle(self, record: MediaRecord, now: float) -> None:
        """Finish processing by the clock; a media meant to fail ends FAILED, with no file."""
        record.settle(now)
        if record.id in self._failing and record.ready_at is None:
            record.status, record.size = "FAILED", 0

    def rename_media(self, subscription_id: str, media_id: str, name: str) -> MediaRecord | None:
        """Rename a media; None when it does not exist."""
        with self._lock:
            record = self.find_media(subscription_id, media_id)
            if record is not None:
                record.name = name
            return record

    def delete_media(self, subscription_id: str, media_id: str) -> bool:
        """Delete a media; False when it does not exist."""
        with self._lock:
            store = self._store(self.subscription(subscription_id))
            record = store.by_id.get(media_id)
            if record is None:
                return False
            store.remove(record)
            return True

    def media_by_id(self, media_id: str) -> MediaRecord | None:
        """A media of any subscription whose media were already loaded (download links)."""
        with self._lock:
            for store in self._media.values():
                record = store.by_id.get(media_id)
                if record is not None:
                    self._settle(record, self.now())
                    return record
        return None

    # --- HLS ------------------------------------------------------------------------------

    def start_hls(self, subscription_id: str, camera_id: str, dt: str, keep_alive: int) -> HlsSession:
        """Open an HLS session that lives ``keep_alive`` seconds unless updated."""
        now = self.now()
        with self._lock:
            self._created += 1
            request_id = derived_uuid(self.dataset.seed, "hls", self._created)
            session = HlsSession(
                request_id=request_id,
                subscription_id=subscription_id.lower(),
                camera_id=camera_id.lower(),
                dt=dt,
                keep_alive=keep_alive,
                started=now,
                expires_at=now + keep_alive,
            )
            self._hls[request_id] = session
            return session

    def hls_session(
        self, request_id: str, subscription_id: str | None = None, camera_id: str | None = None
    ) -> HlsSession | None:
        """A live session (ended ones are dropped), optionally checked against its camera."""
        with self._lock:
            session = self._hls.get(request_id)
            if session is None:
                return None
            if self.now() >= session.expires_at:
                del self._hls[request_id]
                return None
            if subscription_id is not None and session.subscription_id != subscription_id.lower():
                return None
            if camera_id is not None and session.camera_id != camera_id.lower():
                return None
            return session

    def update_hls(self, request_id: str, subscription_id: str, camera_id: str) -> bool:
        """Extend a live session by its keep-alive period from now; False if it is gone."""
        with self._lock:
            session = self.hls_session(request_id, subscription_id, camera_id)
            if session is None:
                return False
            session.expires_at = self.now() + session.keep_alive
            return True

    def stop_hls(self, request_id: str, subscription_id: str, camera_id: str) -> bool:
        """End a live session; False if it is gone."""
        with self._lock:
            if self.hls_session(request_id, subscription_id, camera_id) is None:
                return False
            del self._hls[request_id]
            return True

    def hls_sessions(self) -> list[HlsSession]:
        """The live HLS sessions."""
        with self._lock:
            live = []
            for request_id in list(self._hls):
                session = self.hls_session(request_id)
                if session is not None:
                    live.append(session)
            return live

    # --- devices --------------------------------------------------------------------------

    def device_count(self, subscription_id: str) -> int:
        """Number of devices of a subscription."""
        return len(self.order(subscription_id, "devices"))

    def device_id(self, subscription_id: str, position: int) -> str:
        """The id of the device at ``position``."""
        return self._listings.id_at(self.subscription(subscription_id), "devices", position)

    def devices(self, subscription_id: str) -> list[dict[str, Any]]:
        """Every device with its external devices, in listExternalDevices order."""
        sub = self.subscription(subscription_id)
        return [self.dataset.device(sub, index) for index in self.order(subscription_id, "devices")]

    def peripherals(self, subscription_id: str, device_index: int) -> list[dict[str, str]]:
        """The ports of a device with their current state (resets finished by the clock)."""
        sub = self.subscription(subscription_id)
        now = self.now()
        ports = self.dataset.peripherals(sub, device_index)
        with self._lock:
            for port in ports:
                state = self._ports.get((sub.subscription_id, device_index, port["id"]))
                if state is None:
                    continue
                if state.enabling_at is not None and now >= state.enabling_at:
                    state.act_status, state.enabling_at = "ENABLING", None
                if state.enabled_at is not None and now >= state.enabled_at:
                    state.act_status, state.enabled_at = "ENABLED", None
                port["actStatus"] = state.act_status
        return ports

    def operate_port(
        self,
        subscription_id: str,
        device_index: int,
        port_id: str,
        action: int,
        reset_timer: int | None,
    ) -> bool:
        """Disable (0), enable (1) or reset (2) a port; False when the port does not exist.

        A reset port is DISABLED for ``reset_timer`` seconds, then ENABLING for
        :attr:`port_boot_delay` seconds, then ENABLED."""
        sub = self.subscription(subscription_id)
        known = {port["id"] for port in self.dataset.peripherals(sub, device_index)}
        if port_id not in known:
            return False
        key = (sub.subscription_id, device_index, port_id)
        with self._lock:
            if action == 0:
                self._ports[key] = _PortState("DISABLED")
            elif action == 1:
                self._ports[key] = _PortState("ENABLED")
            else:  # off for the timer, then ENABLING while the port's device boots
                back = self.now() + (reset_timer or 0)
                self._ports[key] = _PortState("DISABLED", back, back + self.port_boot_delay)
        return True


def _nothing() -> None:
    """The default :attr:`World.before_read`."""
