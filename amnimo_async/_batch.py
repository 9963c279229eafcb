"""Cameras by id, any number of them, through an operation that takes ten ids at a time."""

from __future__ import annotations

import builtins
from collections.abc import Iterable

from ._arguments import string_list, uuid_string
from ._endpoint import ClientLike
from ._errors import NotFoundError
from ._models import Camera
from ._tasks import all_or_first_failure
from .api._params import partition
from .api.cameras import list_cameras


async def get_many_cameras(
    client: ClientLike,
    subscription_id: str,
    camera_ids: Iterable[str],
    *,
    is_url: bool = True,
    expiration: int = 60,
    skip_missing: bool = False,
) -> builtins.list[Camera]:  # builtins: it becomes a method beside `list` on the namespaces
    """The cameras with ``camera_ids`` (any number), fetched 10 per request, concurrently.

    Cameras come back in the order asked (a repeated id once). An id the server does not
    return raises :class:`NotFoundError` naming the missing ids, unless ``skip_missing``.
    """
    path = partition(subscription_id)  # checked even when there are no ids
    items = string_list("camera_ids", camera_ids, item="camera ids")
    wanted = list(dict.fromkeys(uuid_string(f"camera_ids[{i}]", v) for i, v in enumerate(items)))
    step = list_cameras.MAX_CAMERA_IDS
    chunks = [wanted[i : i + step] for i in range(0, len(wanted), step)]
    requests = [  # every chunk checked before the first is sent
        list_cameras.endpoint.build(subscription_id, is_url=is_url, expiration=expiration, camera_ids=chunk)
        for chunk in chunks
    ]
    pages = await all_or_first_failure(list_cameras.endpoint.send(client, request) for request in requests)
    found = {camera.id.lower(): camera for page in pages for camera in page.cameras}
    missing = [camera_id for camera_id in wanted if camera_id not in found]
    if missing and not skip_missing:
        raise NotFoundError(
            status_code=404,
            method="GET",
            url=client.transport.base_url + f"/partitions/{path['subscriptionId']}/cameras",
            body=f"{len(missing)} of {len(wanted)} cameras not found: {', '.join(missing)}",
        )
    return [found[camera_id] for camera_id in wanted if camera_id in found]
