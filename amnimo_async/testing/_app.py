"""The Starlette app: the 19 operations under ``/ex``, as pinned by the wire contract.

Every API call runs the same steps: authenticate (401, or 403 for an expired token), take a
token from the client's bucket (429), validate the query and body (400), then resolve the path
ids (403 outside the tenant, 404 unknown) and answer. ``FaultMiddleware`` wraps it all to
journal each request and inject faults.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Scope

from ._auth import AuthRegistry, ClientAccount
from ._clock import Clock
from ._data import MediaRecord, Subscription
from ._errors import ApiError, error_body
from ._files import FileRoutes
from ._presign import UrlSigner
from ._state import World
from ._timestamps import format_timestamp
from ._validation import (
    INT32_MAX,
    Field,
    Param,
    Query,
    check_body,
    check_path_uuid,
    invalid,
    parse_json_body,
    parse_query,
)

API_PREFIX = "/ex"

API_ROUTES: tuple[tuple[str, str, str], ...] = (
    ("issueToken", "POST", "/oauth2/token"),
    ("getHierarchy", "GET", "/accounts/{accountId}/hierarchy"),
    ("listCameras", "GET", "/partitions/{subscriptionId}/cameras"),
    ("getCamera", "GET", "/partitions/{subscriptionId}/cameras/{cameraId}"),
    ("listThumbnails", "GET", "/partitions/{subscriptionId}/cameras/{cameraId}/thumbnails"),
    ("getHistory", "GET", "/partitions/{subscriptionId}/cameras/{cameraId}/history"),
    ("startHls", "GET", "/partitions/{subscriptionId}/cameras/{cameraId}/streams/hls/start"),
    ("stopHls", "GET", "/partitions/{subscriptionId}/cameras/{cameraId}/streams/hls/stop"),
    ("updateHls", "GET", "/partitions/{subscriptionId}/cameras/{cameraId}/streams/hls/update"),
    ("createMedia", "POST", "/partitions/{subscriptionId}/cameras/{cameraId}/media"),
    ("searchCameraMedia", "POST", "/partitions/{subscriptionId}/cameras/{cameraId}/medias"),
    ("searchSubscriptionMedia", "POST", "/partitions/{subscriptionId}/medias"),
    ("getMedia", "GET", "/partitions/{subscriptionId}/medias/{mediaId}"),
    ("renameMedia", "PUT", "/partitions/{subscriptionId}/medias/{mediaId}"),
    ("deleteMedia", "DELETE", "/partitions/{subscriptionId}/medias/{mediaId}"),
    ("listExternalDevices", "GET", "/partitions/{subscriptionId}/devices/externalDevices"),
    (
        "getDeviceExternalDevices",
        "GET",
        "/partitions/{subscriptionId}/devices/{deviceId}/externalDevices",
    ),
    ("listPeripherals", "GET", "/partitions/{subscriptionId}/devices/{deviceId}/peripherals"),
    ("operatePort", "POST", "/partitions/{subscriptionId}/devices/{deviceId}/ports/{portId}"),
)
"""(operationId, method, path below ``/ex``) of every API operation."""

OPERATION_IDS: tuple[str, ...] = tuple(route[0] for route in API_ROUTES)

EXTERNAL_DEVICE_PAGE_LIMIT = 100

_IS_URL = Param("isUrl", "bool", default=True)
_EXPIRATION = Param("expiration", "int", minimum=1, maximum=10080, default=60)
_CAMERA_LIST = (
    _IS_URL,
    _EXPIRATION,
    Param("page", "int", minimum=0, default=0),
    Param("size", "int", minimum=1, maximum=500, default=500),
    Param("cameraId", "uuid", repeatable=True, max_items=10),
)
_THUMBNAILS = (
    Param("startTime", "timestamp"),
    Param("endTime", "timestamp"),
    Param("limit", "int", minimum=1, maximum=100, default=1),
    _IS_URL,
    _EXPIRATION,
)
_HISTORY = (Param("startTime", "timestamp", required=True), Param("endTime", "timestamp", required=True))
_HLS_START = (
    Param("dt", "dt", required=True),
    Param("retry", "int", minimum=1, maximum=100, default=20),
    Param("keepAlivePeriod", "int", minimum=10, maximum=3600, default=10),
)
_HLS_REQUEST = (Param("requestId", "str", required=True),)
_DEVICE_LIST = (Param("page", "int", minimum=0, default=0), Param("size", "int", minimum=1, default=10))

_CATEGORIES = ("CLIP", "SNAPSHOT")
_MEDIA_NAME = Field("name", "str", minimum=1, maximum=64)
_CREATE_MEDIA = (
    Field("category", "enum", required=True, choices=_CATEGORIES),
    Field("startTime", "timestamp", required=True),
    Field("endTime", "timestamp"),
    _MEDIA_NAME,
)
_SEARCH_MEDIA = (
    Field("categories", "enum_list", choices=_CATEGORIES),
    Field("pageNumber", "int", required=True, minimum=0, maximum=INT32_MAX),
    Field("pageSize", "int", required=True, minimum=1, maximum=1000),
    Field("sortDir", "enum", choices=("asc", "desc")),
)
_RENAME_MEDIA = (Field("data", "object", required=True, fields=(attrs.evolve(_MEDIA_NAME, required=True),)),)
_OPERATE_PORT = (Field("action", "int", required=True), Field("resetTimer", "int", minimum=1))


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return JSONResponse(data, status_code=status, headers=dict(headers or {}))


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


class FakeApi:
    """The route handlers of the 19 operations (one method per operationId, snake_case)."""

    def __init__(
        self,
        *,
        world: World,
        auth: AuthRegistry,
        signer: UrlSigner,
        clock: Clock,
        strict: bool,
        throttle_headers: Callable[[str | None], Mapping[str, str]],
    ) -> None:
        self.world = world
        self.dataset = world.dataset
        self.auth = auth
        self.signer = signer
        self.clock = clock
        self.strict = strict
        self.throttle_headers = throttle_headers

    # --- shared steps ---------------------------------------------------------------------

    def _meter(self, client: ClientAccount) -> None:
        if client.bucket is not None and not client.bucket.take():
            raise ApiError(
                429,
                "Too Many Requests",
                [
                    {
                        "reason": "rate limit exceeded",
                        "rate": client.bucket.rate,
                        "burst": client.bucket.burst,
                    }
                ],
                headers=self.throttle_headers(client.client_id),
            )

    def _caller(self, request: Request) -> ClientAccount:
        client, expired = self.auth.bearer_client(request.headers.get("authorization"))
        if expired:
            raise ApiError(403, "Token expired", [{"reason": "issue a new access token"}])
        self._meter(client)
        return client

    def _query(self, request: Request, params: tuple[Param, ...] = ()) -> Query:
        return parse_query(request.query_params.multi_items(), params, strict=self.strict)

    async def _body(self, request: Request, fields: tuple[Field, ...]) -> dict[str, Any]:
        raw = await request.body()
        body = parse_json_body(raw, request.headers.get("content-type"), strict=self.strict)
        return check_body(body, fields, strict=self.strict)

    def _subscription(self, request: Request) -> Subscription:
        raw = request.path_params["subscriptionId"]
        sub_id = check_path_uuid("subscriptionId", raw, strict=self.strict)
        sub = self.dataset.subscription_by_id.get(sub_id) if sub_id else None
        if sub is None:
            raise ApiError(404, "Subscription not found", [{"field": "subscriptionId", "value": raw}])
        if sub.foreign:
            raise ApiError(
                403,
                "Forbidden",
                [{"field": "subscriptionId", "reason": "outside the caller's account"}],
            )
        return sub

    def _camera(self, request: Request, sub: Subscription) -> int:
        raw = request.path_params["cameraId"]
        camera_id = check_path_uuid("cameraId", raw, strict=self.strict)
        index = self.dataset.camera_index(sub, camera_id) if camera_id else None
        if index is None:
            raise ApiError(404, "Camera not found", [{"field": "cameraId", "value": raw}])
        return index

    def _device(self, request: Request, sub: Subscription) -> int:
        raw = request.path_params["deviceId"]
        device_id = check_path_uuid("deviceId", raw, strict=self.strict)
        index = self.dataset.device_index(sub, device_id) if device_id else None
        if index is None:
            raise ApiError(404, "Device not found", [{"field": "deviceId", "value": raw}])
        return index

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

    async def issue_token(self, request: Request) -> Response:
        """POST /oauth2/token: Basic credentials + form grant_type=client_credentials."""
        client = self.auth.basic_client(request.headers.get("authorization"))
        self._meter(client)
        self._query(request)
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            raise invalid(
                "Content-Type",
                "must be application/x-www-form-urlencoded",
                "header",
                value=content_type,
            )
        raw = await request.body()
        try:
            form = parse_qsl(raw.decode(), keep_blank_values=True, strict_parsing=bool(raw))
        except (ValueError, UnicodeDecodeError):
            raise invalid("body", "must be a form (application/x-www-form-urlencoded)", "body") from None
        names = [name for name, _ in form]
        if self.strict:
            for name in names:
                if name != "grant_type":
                    raise invalid(name, "is not a known field", "body", allowed=["grant_type"])
        grants = [value for name, value in form if name == "grant_type"]
        if len(grants) != 1 or grants[0] != "client_credentials":
            raise invalid(
                "grant_type",
                "must be client_credentials",
                "body",
                value=grants[0] if grants else None,
            )
        if self.auth.quota_left(client) == 0:
            raise ApiError(
                429,
                "Limit Exceeded",
                [{"reason": "monthly token quota exhausted", "quota": self.auth.token_quota}],
            )
        token, expires_in = self.auth.issue(client)
        return _json(
            {"access_token": token, "token_type": "Bearer", "expires_in": expires_in},
            headers={"Cache-Control": "no-store"},
        )

    async def get_hierarchy(self, request: Request) -> Response:
        """GET /accounts/{accountId}/hierarchy."""
        self._caller(request)
        self._query(request)
        raw = request.path_params["accountId"]
        account_id = check_path_uuid("accountId", raw, strict=self.strict)
        if account_id is not None and account_id == self.dataset.foreign_account_id:
            raise ApiError(
                403, "Forbidden", [{"field": "accountId", "reason": "outside the caller's account"}]
            )
        account = self.dataset.account_by_id.get(account_id) if account_id else None
        if account is None:
            raise ApiError(404, "Account not found", [{"field": "accountId", "value": raw}])
        return _json(self.dataset.hierarchy(account))

    # --- cameras --------------------------------------------------------------------------

    async def list_cameras(self, request: Request) -> Response:
        """GET /partitions/{subscriptionId}/cameras: a page, or up to 10 cameras by id."""
        self._caller(request)
        query = self._query(request, _CAMERA_LIST)
        if "cameraId" in query.given and query.given & {"page", "size"}:
            raise invalid(
                "cameraId",
                "must be given alone, without page or size",
                conflicts=sorted(query.given & {"page", "size"}),
            )
        sub = self._subscription(request)
        is_url, expiration = query["isUrl"], query["expiration"]
        if "cameraId" in query.given:
            asked: list[str] = query["cameraId"]
            found: list[int] = []
            for camera_id in asked:
                index = self.dataset.camera_index(sub, camera_id)
                if index is not None and index not in found:
                    found.append(index)
            cameras = [self._camera_answer(request, sub, i, is_url, expiration) for i in found]
            return _json({"total": len(found), "page": 0, "size": len(asked), "cameras": cameras})
        page, size, total = query["page"], query["size"], sub.spec.cameras
        first = page * size
        indexes = range(first, min(first + size, total)) if first < total else range(0)
        cameras = [self._camera_answer(request, sub, i, is_url, expiration) for i in indexes]
        return _json({"total": total, "page": page, "size": size, "cameras": cameras})

    async def get_camera(self, request: Request) -> Response:
        """GET /partitions/{subscriptionId}/cameras/{cameraId}."""
        self._caller(request)
        query = self._query(request, (_IS_URL, _EXPIRATION))
        sub = self._subscription(request)
        index = self._camera(request, sub)
        return _json(self._camera_answer(request, sub, index, query["isUrl"], query["expiration"]))

    async def list_thumbnails(self, request: Request) -> Response:
        """GET .../thumbnails: up to ``limit`` thumbnails in the range, newest first."""
        self._caller(request)
        query = self._query(request, _THUMBNAILS)
        now = self.clock()
        start, end = query.values.get("startTime", 0.0), query.values.get("endTime", now)
        if "startTime" in query.given and "endTime" in query.given and end < start:
            raise invalid("endTime", "must not be before startTime")
        sub = self._subscription(request)
        index = self._camera(request, sub)
        camera_id = sub.camera_ids.issue(index)
        thumbnails = []
        for moment, code in self.dataset.thumbnails(sub, index, start, min(end, now), query["limit"]):
            millis = int(moment * 1000)
            item: dict[str, Any] = {"ts": format_timestamp(moment), "code": code}
            if query["isUrl"]:
                path = f"/_thumbs/{camera_id}/{millis}.jpg"
                item["url"] = self.signer.url(_origin(request), path, query["expiration"] * 60)
            thumbnails.append(item)
        return _json({"total": len(thumbnails), "thumbnails": thumbnails})

    async def get_history(self, request: Request) -> Response:
        """GET .../history: cloud recording spans in [startTime, endTime]."""
        self._caller(request)
        query = self._query(request, _HISTORY)
        if query["endTime"] < query["startTime"]:
            raise invalid("endTime", "must not be before startTime")
        sub = self._subscription(request)
        index = self._camera(request, sub)
        spans = self.dataset.history(sub, index, query["startTime"], query["endTime"], self.clock())
        return _json(spans)

    # --- streams --------------------------------------------------------------------------

    async def start_hls(self, request: Request) -> Response:
        """GET .../streams/hls/start: opens a session that lives keepAlivePeriod seconds."""
        self._caller(request)
        query = self._query(request, _HLS_START)
        sub = self._subscription(request)
        index = self._camera(request, sub)
        session = self.world.start_hls(
            sub.subscription_id, sub.camera_ids.issue(index), query["dt"], query["keepAlivePeriod"]
        )
        url = f"{_origin(request)}/_hls/{session.request_id}/index.m3u8"
        return _json({"requestId": session.request_id, "url": url})

    async def _hls_call(self, request: Request, stop: bool) -> Response:
        self._caller(request)
        query = self._query(request, _HLS_REQUEST)
        sub = self._subscription(request)
        index = self._camera(request, sub)
        camera_id = sub.camera_ids.issue(index)
        call = self.world.stop_hls if stop else self.world.update_hls
        if not call(query["requestId"], sub.subscription_id, camera_id):
            raise ApiError(404, "Request not found", [{"field": "requestId", "value": query["requestId"]}])
        return _json({"result": "OK"})

    async def stop_hls(self, request: Request) -> Response:
        """GET .../streams/hls/stop: ends a live session (404 once it has ended)."""
        return await self._hls_call(request, stop=True)

    async def update_hls(self, request: Request) -> Response:
        """GET .../streams/hls/update: extends a live session by its keep-alive from now."""
        return await self._hls_call(request, stop=False)

    # --- media ----------------------------------------------------------------------------

    async def create_media(self, request: Request) -> Response:
        """POST .../cameras/{cameraId}/media: a clip or snapshot, PROCESSING at first."""
        client = self._caller(request)
        self._query(request)
        body = await self._body(request, _CREATE_MEDIA)
        if "endTime" in body and body["endTime"] < body["startTime"]:
            raise invalid("endTime", "must not be before startTime", "body")
        sub = self._subscription(request)
        index = self._camera(request, sub)
        record = self.world.create_media(
            sub.subscription_id,
            index,
            category=body["category"],
            start=body["startTime"],
            end=body.get("endTime"),
            name=body.get("name"),
            user_id=client.client_id,
        )
        return _json(self._media_answer(request, record))

    async def _search(self, request: Request, with_camera: bool) -> Response:
        self._caller(request)
        self._query(request)
        body = await self._body(request, _SEARCH_MEDIA)
        sub = self._subscription(request)
        camera_id = sub.camera_ids.issue(self._camera(request, sub)) if with_camera else None
        categories = body.get("categories")
        records = self.world.search_media(
            sub.subscription_id,
            camera_id=camera_id,
            categories=frozenset(categories) if categories else None,
            descending=body.get("sortDir", "desc") == "desc",
            offset=body["pageNumber"] * body["pageSize"],
            limit=body["pageSize"],
        )
        return _json([self._media_answer(request, record) for record in records])

    async def search_camera_media(self, request: Request) -> Response:
        """POST .../cameras/{cameraId}/medias: a page of the media of one camera."""
        return await self._search(request, with_camera=True)

    async def search_subscription_media(self, request: Request) -> Response:
        """POST /partitions/{subscriptionId}/medias: a page of the media of a subscription."""
        return await self._search(request, with_camera=False)

    def _media(self, request: Request, sub: Subscription) -> MediaRecord:
        media_id = request.path_params["mediaId"]
        record = self.world.find_media(sub.subscription_id, media_id)
        if record is None:
            raise ApiError(404, "Media not found", [{"field": "mediaId", "value": media_id}])
        return record

    async def get_media(self, request: Request) -> Response:
        """GET .../medias/{mediaId}: with a presigned ``url`` once COMPLETED."""
        self._caller(request)
        query = self._query(request, (_EXPIRATION,))
        sub = self._subscription(request)
        return _json(self._media_answer(request, self._media(request, sub), query["expiration"]))

    async def rename_media(self, request: Request) -> Response:
        """PUT .../medias/{mediaId} with ``{"data": {"name": ...}}``."""
        self._caller(request)
        self._query(request)
        body = await self._body(request, _RENAME_MEDIA)
        sub = self._subscription(request)
        record = self._media(request, sub)
        self.world.rename_media(sub.subscription_id, record.id, body["data"]["name"])
        return _json(self._media_answer(request, record))

    async def delete_media(self, request: Request) -> Response:
        """DELETE .../medias/{mediaId}: 204, then 404 for that id."""
        self._caller(request)
        self._query(request)
        sub = self._subscription(request)
        record = self._media(request, sub)
        self.world.delete_media(sub.subscription_id, record.id)
        return Response(status_code=204)

    # --- devices --------------------------------------------------------------------------

    async def list_external_devices(self, request: Request) -> Response:
        """GET .../devices/externalDevices: a page of devices (size clamped to 100)."""
        self._caller(request)
        query = self._query(request, _DEVICE_LIST)
        sub = self._subscription(request)
        page, size = query["page"], min(query["size"], EXTERNAL_DEVICE_PAGE_LIMIT)
        total = sub.spec.devices
        total_pages = math.ceil(total / size)
        first = page * size
        indexes = range(first, min(first + size, total)) if first < total else range(0)
        return _json(
            {
                "data": [self.dataset.device(sub, index) for index in indexes],
                "summary": {
                    "isFirstPage": page == 0,
                    "isLastPage": page >= total_pages - 1,
                    "pageNumber": page,
                    "pageSize": size,
                    "totalPages": total_pages,
                    "total": total,
                },
            }
        )

    async def get_device_external_devices(self, request: Request) -> Response:
        """GET .../devices/{deviceId}/externalDevices."""
        self._caller(request)
        self._query(request)
        sub = self._subscription(request)
        found = self.dataset.external_devices(sub, self._device(request, sub))
        return _json({"data": found, "summary": {"total": len(found)}})

    async def list_peripherals(self, request: Request) -> Response:
        """GET .../devices/{deviceId}/peripherals: ports with their current state."""
        self._caller(request)
        self._query(request)
        sub = self._subscription(request)
        ports = self.world.peripherals(sub.subscription_id, self._device(request, sub))
        return _json({"data": ports, "summary": {"total": len(ports)}})

    async def operate_port(self, request: Request) -> Response:
        """POST .../ports/{portId}: 0 disable, 1 enable, 2 reset for resetTimer seconds."""
        self._caller(request)
        self._query(request)
        body = await self._body(request, _OPERATE_PORT)
        action, reset_timer = body["action"], body.get("resetTimer")
        if action not in (0, 1, 2):
            raise invalid(
                "action",
                "must be 0 (disable), 1 (enable) or 2 (reset)",
                "body",
                value=action,
                allowed=[0, 1, 2],
            )
        if action == 2 and reset_timer is None:
            raise invalid("resetTimer", "is required when action is 2 (reset)", "body")
        if action != 2 and "resetTimer" in body:
            raise invalid("resetTimer", "is only allowed when action is 2 (reset)", "body")
        sub = self._subscription(request)
        device = self._device(request, sub)
        port_id = request.path_params["portId"]
        if not self.world.operate_port(sub.subscription_id, device, port_id, action, reset_timer):
            raise ApiError(404, "Port not found", [{"field": "portId", "value": port_id}])
        return _json({})


def _snake(operation_id: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation_id)


class FakeStarlette(Starlette):
    """A Starlette app whose outermost layer is the fake's journal-and-faults middleware."""

    def __init__(
        self,
        *,
        routes: list[BaseRoute],
        exception_handlers: Mapping[Any, Any],
        wrap: Callable[[ASGIApp], ASGIApp],
    ) -> None:
        super().__init__(routes=routes, exception_handlers=exception_handlers)
        self.router.redirect_slashes = False
        self._wrap = wrap

    def build_middleware_stack(self) -> ASGIApp:
        return self._wrap(super().build_middleware_stack())


def build_routes(api: FakeApi, files: FileRoutes) -> list[BaseRoute]:
    """The API routes (named by operationId) and the fake's file routes."""
    routes: list[BaseRoute] = [
        Route(API_PREFIX + path, getattr(api, _snake(name)), methods=[method], name=name)
        for name, method, path in API_ROUTES
    ]
    routes += files.routes()
    return routes


def route_resolver(routes: list[BaseRoute]) -> Callable[[Scope], str | None]:
    """A function naming the route (operationId) a request goes to, or None."""

    def resolve(scope: Scope) -> str | None:
        for route in routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return getattr(route, "name", None)
        return None

    return resolve


def exception_handlers(clock: Clock) -> dict[Any, Callable[[Request, Exception], Response]]:
    """Handlers writing every error (ours, routing, unexpected) as the documented body."""

    def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return _json(error_body(exc.status, exc.message, exc.details, clock()), exc.status, exc.headers)

    def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = "Not Found" if exc.status_code == 404 else str(exc.detail)
        headers = dict(exc.headers or {})
        return _json(error_body(exc.status_code, message, None, clock()), exc.status_code, headers)

    def server_error(request: Request, exc: Exception) -> Response:
        return _json(error_body(500, "Internal Server Error", None, clock()), 500)

    return {ApiError: api_error, HTTPException: http_error, Exception: server_error}
