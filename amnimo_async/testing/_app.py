"""The fake's operations: one handler per operationId, holding only what is that operation's own.

The routes, their order of steps and the request validation come from the operation table (see
``_routes.py``): a handler gets the validated :class:`Call` and resolves the path ids (403
outside the tenant, 404 unknown) before it answers. ``FaultMiddleware`` wraps it all to journal
each request and inject faults.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from .._operations import LIST_EXTERNAL_DEVICES
from .._spec import SpecOperation
from ._auth import AuthRegistry, ClientAccount
from ._churn import Churn
from ._clock import Clock
from ._data import MediaRecord, Subscription
from ._errors import ApiError
from ._files import FileRoutes
from ._lists import ListedKind
from ._presign import UrlSigner
from ._routes import (
    API_PREFIX,
    API_ROUTES,
    OPERATION_IDS,
    Call,
    FakeStarlette,
    Steps,
    exception_handlers,
    json_response,
    operation_routes,
    route_resolver,
)
from ._state import World
from ._timestamps import format_timestamp

__all__ = [
    "API_PREFIX",
    "API_ROUTES",
    "OPERATION_IDS",
    "FakeApi",
    "FakeStarlette",
    "build_routes",
    "exception_handlers",
    "route_resolver",
]

EXTERNAL_DEVICE_PAGE_LIMIT = LIST_EXTERNAL_DEVICES.limit("size", "clamped_to")


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


class FakeApi:
    """The route handlers of the operations (one method per operationId, snake_case)."""

    def __init__(
        self,
        *,
        world: World,
        churn: Churn,
        auth: AuthRegistry,
        signer: UrlSigner,
        clock: Clock,
        strict: bool,
        throttle_headers: Callable[[str | None], Mapping[str, str]],
    ) -> None:
        self.world = world
        self.churn = churn
        self.dataset = world.dataset
        self.auth = auth
        self.signer = signer
        self.clock = clock
        self.strict = strict
        self.throttle_headers = throttle_headers
        self.steps = Steps(authenticate=self._authenticate, strict=strict)

    # --- shared steps ---------------------------------------------------------------------

    def _meter(self, client: ClientAccount) -> None:
        if client.bucket is not None and not client.bucket.take():
            bucket = {
                "reason": "rate limit exceeded",
                "rate": client.bucket.rate,
                "burst": client.bucket.burst,
            }
            raise ApiError(
                429, "Too Many Requests", [bucket], headers=self.throttle_headers(client.client_id)
            )

    def _authenticate(self, operation: SpecOperation, request: Request) -> ClientAccount:
        header = request.headers.get("authorization")
        if operation.auth == "basic":
            client = self.auth.basic_client(header)
        else:
            client, expired = self.auth.bearer_client(header)
            if expired:
                raise ApiError(403, "Token expired", [{"reason": "issue a new access token"}])
        self._meter(client)
        return client

    def _subscription(self, call: Call) -> Subscription:
        sub_id = call.ids["subscriptionId"]
        sub = self.dataset.subscription_by_id.get(sub_id) if sub_id else None
        if sub is None:
            raise ApiError(404, "Subscription not found", [{"field": "subscriptionId", "value": sub_id}])
        if sub.foreign:
            raise ApiError(
                403, "Forbidden", [{"field": "subscriptionId", "reason": "outside the caller's account"}]
            )
        return sub

    def _camera(self, call: Call, sub: Subscription) -> int:
        return self._listed(call, sub, "cameras")

    def _device(self, call: Call, sub: Subscription) -> int:
        return self._listed(call, sub, "devices")

    def _listed(self, call: Call, sub: Subscription, kind: ListedKind) -> int:
        """The index of the camera or device the path names, if it is listed now (404 if not)."""
        name, noun = ("cameraId", "Camera") if kind == "cameras" else ("deviceId", "Device")
        return _found(
            call, name, noun, lambda item_id: self.world.index_of(sub.subscription_id, kind, item_id)
        )

    async def _listing(
        self, route: str, sub: Subscription, page: int, answer: Callable[[], Response]
    ) -> Response:
        """``answer()`` for a page of a list, with the churn's steps for it run first."""
        await self.churn.before_answer(route, sub.subscription_id, page)
        response = answer()
        self.churn.answered(route, sub.subscription_id, page)
        return response

    def _media(self, call: Call, sub: Subscription) -> MediaRecord:
        media_id = call.ids["mediaId"] or ""
        record = self.world.find_media(sub.subscription_id, media_id)
        if record is None:
            raise ApiError(404, "Media not found", [{"field": "mediaId", "value": media_id}])
        return record

    def _camera_answer(
        self, request: Request, sub: Subscription, index: int, is_url: bool, expiration: int
    ) -> dict[str, Any]:
        now = self.clock()
        camera = self.dataset.camera(sub, index, now)
        thumbnail = camera.get("thumbnail")
        if is_url and isinstance(thumbnail, dict):
            millis = int(self.dataset.latest_thumbnail(sub, index, now) * 1000)
            path = f"/_thumbs/{camera['id']}/{millis}.jpg"
            thumbnail["url"] = self.signer.url(_origin(request), path, expiration * 60)
        return camera

    def _media_answer(
        self, request: Request, record: MediaRecord, expiration: int | None = None
    ) -> dict[str, Any]:
        answer: dict[str, Any] = record.to_wire()
        if expiration is not None and record.status == "COMPLETED":
            answer["url"] = self.signer.url(_origin(request), f"/_files/{record.id}", expiration * 60)
        return answer

    # --- auth and accounts ----------------------------------------------------------------

    async def issue_token(self, request: Request, call: Call) -> Response:
        """POST /oauth2/token: Basic credentials + form grant_type=client_credentials."""
        if self.auth.quota_left(call.client) == 0:
            raise ApiError(
                429,
                "Limit Exceeded",
                [{"reason": "monthly token quota exhausted", "quota": self.auth.token_quota}],
            )
        token, expires_in = self.auth.issue(call.client)
        return json_response(
            {"access_token": token, "token_type": "Bearer", "expires_in": expires_in},
            headers={"Cache-Control": "no-store"},
        )

    async def get_hierarchy(self, request: Request, call: Call) -> Response:
        """GET /accounts/{accountId}/hierarchy."""
        account_id = call.ids["accountId"]
        if account_id is not None and account_id == self.dataset.foreign_account_id:
            raise ApiError(
                403, "Forbidden", [{"field": "accountId", "reason": "outside the caller's account"}]
            )
        account = self.dataset.account_by_id.get(account_id) if account_id else None
        if account is None:
            raise ApiError(404, "Account not found", [{"field": "accountId", "value": account_id}])
        return json_response(self.dataset.hierarchy(account))

    # --- cameras --------------------------------------------------------------------------

    async def list_cameras(self, request: Request, call: Call) -> Response:
        """GET /partitions/{subscriptionId}/cameras: a page, or up to 10 cameras by id."""
        query = call.query
        sub = self._subscription(call)
        is_url, expiration = query["isUrl"], query["expiration"]
        if "cameraId" in query.given:
            asked: list[str] = query["cameraId"]
            found: list[int] = []
            for camera_id in asked:
                index = self.world.index_of(sub.subscription_id, "cameras", camera_id)
                if index is not None and index not in found:
                    found.append(index)
            cameras = [self._camera_answer(request, sub, i, is_url, expiration) for i in found]
            return json_response({"total": len(found), "page": 0, "size": len(asked), "cameras": cameras})
        page, size = query["page"], query["size"]

        def answer() -> Response:
            total, indexes = self.world.listed(sub.subscription_id, "cameras", page, size)
            cameras = [self._camera_answer(request, sub, i, is_url, expiration) for i in indexes]
            return json_response({"total": total, "page": page, "size": size, "cameras": cameras})

        return await self._listing("listCameras", sub, page, answer)

    async def get_camera(self, request: Request, call: Call) -> Response:
        """GET /partitions/{subscriptionId}/cameras/{cameraId}."""
        sub = self._subscription(call)
        index = self._camera(call, sub)
        answer = self._camera_answer(request, sub, index, call.query["isUrl"], call.query["expiration"])
        return json_response(answer)

    async def list_thumbnails(self, request: Request, call: Call) -> Response:
        """GET .../thumbnails: up to ``limit`` thumbnails in the range, newest first."""
        query = call.query
        now = self.clock()
        start, end = query.values.get("startTime", 0.0), query.values.get("endTime", now)
        sub = self._subscription(call)
        index = self._camera(call, sub)
        camera_id = sub.camera_ids.issue(index)
        thumbnails = []
        for moment, code in self.dataset.thumbnails(sub, index, start, min(end, now), query["limit"]):
            millis = int(moment * 1000)
            item: dict[str, Any] = {"ts": format_timestamp(moment), "code": code}
            if query["isUrl"]:
                path = f"/_thumbs/{camera_id}/{millis}.jpg"
                item["url"] = self.signer.url(_origin(request), path, query["expiration"] * 60)
            thumbnails.append(item)
        return json_response({"total": len(thumbnails), "thumbnails": thumbnails})

    async def get_history(self, request: Request, call: Call) -> Response:
        """GET .../history: cloud recording spans in [startTime, endTime]."""
        start, end = call.query["startTime"], call.query["endTime"]
        sub = self._subscription(call)
        index = self._camera(call, sub)
        return json_response(self.dataset.history(sub, index, start, end, self.clock()))

    # --- streams --------------------------------------------------------------------------

    async def start_hls(self, request: Request, call: Call) -> Response:
        """GET .../streams/hls/start: opens a session that lives keepAlivePeriod seconds."""
        sub = self._subscription(call)
        camera_id = sub.camera_ids.issue(self._camera(call, sub))
        session = self.world.start_hls(
            sub.subscription_id, camera_id, call.query["dt"], call.query["keepAlivePeriod"]
        )
        url = f"{_origin(request)}/_hls/{session.request_id}/index.m3u8"
        return json_response({"requestId": session.request_id, "url": url})

    async def stop_hls(self, request: Request, call: Call) -> Response:
        """GET .../streams/hls/stop: ends a live session (404 once it has ended)."""
        return self._hls_call(call, self.world.stop_hls)

    async def update_hls(self, request: Request, call: Call) -> Response:
        """GET .../streams/hls/update: extends a live session by its keep-alive from now."""
        return self._hls_call(call, self.world.update_hls)

    def _hls_call(self, call: Call, act: Callable[[str, str, str], bool]) -> Response:
        sub = self._subscription(call)
        camera_id = sub.camera_ids.issue(self._camera(call, sub))
        request_id = call.query["requestId"]
        if not act(request_id, sub.subscription_id, camera_id):
            raise ApiError(404, "Request not found", [{"field": "requestId", "value": request_id}])
        return json_response({"result": "OK"})

    # --- media ----------------------------------------------------------------------------

    async def create_media(self, request: Request, call: Call) -> Response:
        """POST .../cameras/{cameraId}/media: a clip or snapshot, PROCESSING at first."""
        body = call.body
        sub = self._subscription(call)
        index = self._camera(call, sub)
        record = self.world.create_media(
            sub.subscription_id,
            index,
            category=body["category"],
            start=body["startTime"],
            end=body.get("endTime"),
            name=body.get("name"),
            user_id=call.client.client_id,
        )
        return json_response(self._media_answer(request, record))

    async def search_camera_media(self, request: Request, call: Call) -> Response:
        """POST .../cameras/{cameraId}/medias: a page of the media of one camera."""
        sub = self._subscription(call)
        camera_id = sub.camera_ids.issue(self._camera(call, sub))
        return await self._search("searchCameraMedia", request, call, sub, camera_id)

    async def search_subscription_media(self, request: Request, call: Call) -> Response:
        """POST /partitions/{subscriptionId}/medias: a page of the media of a subscription."""
        return await self._search("searchSubscriptionMedia", request, call, self._subscription(call), None)

    async def _search(
        self, route: str, request: Request, call: Call, sub: Subscription, camera_id: str | None
    ) -> Response:
        body = call.body
        categories = body.get("categories")

        def answer() -> Response:
            records = self.world.search_media(
                sub.subscription_id,
                camera_id=camera_id,
                categories=frozenset(categories) if categories else None,
                descending=body.get("sortDir", "desc") == "desc",
                offset=body["pageNumber"] * body["pageSize"],
                limit=body["pageSize"],
            )
            return json_response([self._media_answer(request, record) for record in records])

        return await self._listing(route, sub, body["pageNumber"], answer)

    async def get_media(self, request: Request, call: Call) -> Response:
        """GET .../medias/{mediaId}: with a presigned ``url`` once COMPLETED."""
        sub = self._subscription(call)
        record = self._media(call, sub)
        return json_response(self._media_answer(request, record, call.query["expiration"]))

    async def rename_media(self, request: Request, call: Call) -> Response:
        """PUT .../medias/{mediaId} with ``{"data": {"name": ...}}``."""
        sub = self._subscription(call)
        record = self._media(call, sub)
        self.world.rename_media(sub.subscription_id, record.id, call.body["data"]["name"])
        return json_response(self._media_answer(request, record))

    async def delete_media(self, request: Request, call: Call) -> Response:
        """DELETE .../medias/{mediaId}: 204, then 404 for that id."""
        sub = self._subscription(call)
        record = self._media(call, sub)
        self.world.delete_media(sub.subscription_id, record.id)
        return Response(status_code=204)

    # --- devices --------------------------------------------------------------------------

    async def list_external_devices(self, request: Request, call: Call) -> Response:
        """GET .../devices/externalDevices: a page of devices (size clamped to 100)."""
        sub = self._subscription(call)
        page, size = call.query["page"], min(call.query["size"], EXTERNAL_DEVICE_PAGE_LIMIT)

        def answer() -> Response:
            total, indexes = self.world.listed(sub.subscription_id, "devices", page, size)
            total_pages = math.ceil(total / size)
            summary = {
                "isFirstPage": page == 0,
                "isLastPage": page >= total_pages - 1,
                "pageNumber": page,
                "pageSize": size,
                "totalPages": total_pages,
                "total": total,
            }
            data = [self.dataset.device(sub, index) for index in indexes]
            return json_response({"data": data, "summary": summary})

        return await self._listing("listExternalDevices", sub, page, answer)

    async def get_device_external_devices(self, request: Request, call: Call) -> Response:
        """GET .../devices/{deviceId}/externalDevices."""
        sub = self._subscription(call)
        return _listed(self.dataset.external_devices(sub, self._device(call, sub)))

    async def list_peripherals(self, request: Request, call: Call) -> Response:
        """GET .../devices/{deviceId}/peripherals: ports with their current state."""
        sub = self._subscription(call)
        return _listed(self.world.peripherals(sub.subscription_id, self._device(call, sub)))

    async def operate_port(self, request: Request, call: Call) -> Response:
        """POST .../ports/{portId}: 0 disable, 1 enable, 2 reset for resetTimer seconds."""
        action, reset_timer = call.body["action"], call.body.get("resetTimer")
        sub = self._subscription(call)
        device = self._device(call, sub)
        port_id = call.ids["portId"] or ""
        if not self.world.operate_port(sub.subscription_id, device, port_id, action, reset_timer):
            raise ApiError(404, "Port not found", [{"field": "portId", "value": port_id}])
        return json_response({})


def _found(call: Call, name: str, noun: str, index_of: Callable[[str], int | None]) -> int:
    """The index of the thing the path id ``name`` names; 404 if there is none."""
    wanted = call.ids[name]
    index = index_of(wanted) if wanted else None
    if index is None:
        raise ApiError(404, f"{noun} not found", [{"field": name, "value": wanted}])
    return index


def _listed(data: list[Any]) -> Response:
    """The ``{data, summary: {total}}`` answer of the per-device lists."""
    return json_response({"data": data, "summary": {"total": len(data)}})


def build_routes(api: FakeApi, files: FileRoutes) -> list[BaseRoute]:
    """The API routes (named by operationId) and the fake's file routes."""
    return [*operation_routes(api.steps, api), *files.routes()]
