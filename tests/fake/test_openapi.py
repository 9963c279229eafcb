"""The fake against the OpenAPI description (amnimo_async/openapi.yaml): same operations,
same query parameters, and answers that validate against the documented schemas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from amnimo_async.testing import API_ROUTES, DataProfile, FakeAmnimo, ManualClock

from .conftest import TS, asgi_client, basic

yaml = pytest.importorskip("yaml")
validators = pytest.importorskip("openapi_schema_validator")

SPEC_PATH = Path(__file__).resolve().parents[2] / "amnimo_async" / "openapi.yaml"
if not SPEC_PATH.exists():  # pragma: no cover - the spec is written in parallel
    pytest.skip("openapi.yaml is not there", allow_module_level=True)
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
METHODS = {"get", "post", "put", "delete", "patch"}


def operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                found[operation["operationId"]] = (method.upper(), path, operation)
    return found


OPERATIONS = operations()


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def response_schema(operation_id: str, status: int) -> dict[str, Any] | None:
    responses = OPERATIONS[operation_id][2]["responses"]
    answer = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    assert answer is not None, f"{operation_id} does not document {status}"
    content = resolve(answer).get("content", {}).get("application/json")
    return None if content is None else content["schema"]


def check(operation_id: str, response: httpx.Response) -> None:
    schema = response_schema(operation_id, response.status_code)
    if schema is None:
        assert response.content == b"", operation_id
        return
    assert response.headers["content-type"] == "application/json"
    validators.validate(
        response.json(),
        {**schema, "components": SPEC["components"]},
        cls=validators.OAS31Validator,
        format_checker=validators.OAS31Validator.FORMAT_CHECKER,
    )


def test_the_fake_serves_exactly_the_documented_operations() -> None:
    documented = {(op_id, method, path) for op_id, (method, path, _) in OPERATIONS.items()}
    assert documented == set(API_ROUTES)


async def test_a_method_the_path_lacks_answers_405_listing_every_method_of_the_path() -> None:
    fake = FakeAmnimo(rate=None, clock=ManualClock())
    ids = Ids(fake)
    async with asgi_client(fake, fake.issue_token()) as http:
        http.base_url = httpx.URL(fake.asgi_base_url + "/")
        for path in {path for _, path, _ in OPERATIONS.values()}:
            documented = {method for method, other, _ in OPERATIONS.values() if other == path}
            response = await http.request("PATCH", ids.path(path).lstrip("/"))
            assert response.status_code == 405, path
            allowed = {method.strip() for method in response.headers["allow"].split(",")}
            assert documented <= allowed <= documented | {"HEAD"}, path
            assert ("HEAD" in allowed) is ("GET" in documented), path


class Ids:
    """Path parameter values and a few helpers for one fake."""

    def __init__(self, fake: FakeAmnimo) -> None:
        self.fake = fake
        sub = fake.subscription_ids[0]
        self.values = {
            "accountId": fake.account_id,
            "subscriptionId": sub,
            "cameraId": fake.world.camera_id(sub, 0),
            "deviceId": fake.world.device_id(sub, 0),
            "mediaId": fake.world.media(sub)[0]["id"],
            "portId": "POE0",
        }

    def path(self, template: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda match: self.values[match.group(1)], template)


BODIES: dict[str, Any] = {
    "createMedia": {"category": "CLIP", "startTime": TS},
    "searchCameraMedia": {"pageNumber": 0, "pageSize": 5},
    "searchSubscriptionMedia": {"pageNumber": 0, "pageSize": 5},
    "renameMedia": {"data": {"name": "renamed"}},
    "operatePort": {"action": 1},
}


def sample(parameter: dict[str, Any], ids: Ids) -> str:
    schema = resolve(parameter.get("schema", {}))
    name: str = parameter["name"]
    if name == "cameraId":
        return str(ids.values["cameraId"])
    if name == "dt":
        return "live"
    if name == "requestId":
        return "0d4f0d4a-7c5e-4f0e-9d5e-7c1f2a3b4c5d"
    if schema.get("type") == "boolean":
        return "false"
    if schema.get("type") == "integer":
        return str(schema.get("default", schema.get("minimum", 1)))
    if "pattern" in schema:
        return TS
    raise AssertionError(f"no sample for {name}: {schema}")


async def call(http: httpx.AsyncClient, ids: Ids, operation_id: str, query: Any) -> httpx.Response:
    method, path, _ = OPERATIONS[operation_id]
    if operation_id == "issueToken":
        return await http.post(
            path.lstrip("/"),
            params=query,
            data={"grant_type": "client_credentials"},
            headers=basic(ids.fake.client_id, ids.fake.secret_key),
        )
    return await http.request(method, ids.path(path).lstrip("/"), params=query, json=BODIES.get(operation_id))


async def test_every_documented_query_parameter_is_accepted_and_others_are_not() -> None:
    fake = FakeAmnimo(rate=None, clock=ManualClock())
    ids = Ids(fake)
    async with asgi_client(fake, fake.issue_token()) as http:
        http.base_url = httpx.URL(fake.asgi_base_url + "/")
        for operation_id, (_, _, operation) in OPERATIONS.items():
            parameters = [resolve(p) for p in operation.get("parameters", [])]
            query = [p for p in parameters if p["in"] == "query"]
            required = [(p["name"], sample(p, ids)) for p in query if p.get("required")]
            if operation_id == "getHistory":
                required = [(k, TS if k == "startTime" else "2026-02-21T00:00:00.000Z") for k, _ in required]
            for parameter in query:
                given = [*required, (parameter["name"], sample(parameter, ids))]
                given = list(dict(given).items())
                response = await call(http, ids, operation_id, given)
                assert response.status_code != 400, (operation_id, given, response.text)
            response = await call(http, ids, operation_id, [*required, ("undocumented", "1")])
            assert response.status_code == 400, (operation_id, response.text)


async def test_answers_match_the_documented_schemas() -> None:
    clock = ManualClock()
    fake = FakeAmnimo(
        rate=5.0,
        burst=20,
        clock=clock,
        token_quota=2,
        profile=DataProfile.explicit([{"cameras": 40, "media": 120}, {}]),
    )
    ids = Ids(fake)
    sub, camera, device = ids.values["subscriptionId"], ids.values["cameraId"], ids.values["deviceId"]
    base = f"/partitions/{sub}"
    async with asgi_client(fake) as http:
        token = await http.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials"},
            headers=basic(fake.client_id, fake.secret_key),
        )
        check("issueToken", token)
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        seen: list[tuple[str, httpx.Response]] = [
            ("getHierarchy", await http.get(f"/accounts/{fake.account_id}/hierarchy")),
            ("listCameras", await http.get(f"{base}/cameras")),
            ("listCameras", await http.get(f"{base}/cameras", params={"cameraId": camera})),
            ("getCamera", await http.get(f"{base}/cameras/{fake.world.camera_id(sub, 13)}")),
            ("listThumbnails", await http.get(f"{base}/cameras/{camera}/thumbnails", params={"limit": 3})),
            (
                "getHistory",
                await http.get(
                    f"{base}/cameras/{camera}/history",
                    params={"startTime": TS, "endTime": "2026-02-21T00:00:00.000Z"},
                ),
            ),
        ]
        started = await http.get(f"{base}/cameras/{camera}/streams/hls/start", params={"dt": "live"})
        seen.append(("startHls", started))
        request_id = {"requestId": started.json()["requestId"]}
        seen += [
            ("updateHls", await http.get(f"{base}/cameras/{camera}/streams/hls/update", params=request_id)),
            ("stopHls", await http.get(f"{base}/cameras/{camera}/streams/hls/stop", params=request_id)),
        ]
        created = await http.post(
            f"{base}/cameras/{camera}/media", json={"category": "SNAPSHOT", "startTime": TS, "name": "x"}
        )
        seen.append(("createMedia", created))
        clock.advance(2)
        media = f"{base}/medias/{created.json()['id']}"
        seen += [
            (
                "searchCameraMedia",
                await http.post(f"{base}/cameras/{camera}/medias", json={"pageNumber": 0, "pageSize": 100}),
            ),
            (
                "searchSubscriptionMedia",
                await http.post(f"{base}/medias", json={"pageNumber": 0, "pageSize": 200}),
            ),
            ("getMedia", await http.get(media)),
            ("renameMedia", await http.put(media, json={"data": {"name": "y"}})),
            ("deleteMedia", await http.delete(media)),
            ("getMedia", await http.get(media)),
            ("listExternalDevices", await http.get(f"{base}/devices/externalDevices")),
            ("getDeviceExternalDevices", await http.get(f"{base}/devices/{device}/externalDevices")),
            ("listPeripherals", await http.get(f"{base}/devices/{device}/peripherals")),
            (
                "operatePort",
                await http.post(f"{base}/devices/{device}/ports/POE0", json={"action": 2, "resetTimer": 5}),
            ),
            ("listCameras", await http.get(f"{base}/cameras", params={"size": 0})),
            ("listCameras", await http.get(f"/partitions/{fake.world.foreign_subscription_id}/cameras")),
        ]
        clock.advance(100)
        for _ in range(25):
            seen.append(("getHierarchy", await http.get(f"/accounts/{fake.account_id}/hierarchy")))
        fake.expire_all_tokens()
        seen.append(("getCamera", await http.get(f"{base}/cameras/{camera}")))
        del http.headers["Authorization"]
        seen.append(("getCamera", await http.get(f"{base}/cameras/{camera}")))
        for _ in range(2):
            quota = await http.post(
                "/oauth2/token",
                data={"grant_type": "client_credentials"},
                headers=basic(fake.client_id, fake.secret_key),
            )
            seen.append(("issueToken", quota))
    statuses = set()
    for operation_id, response in seen:
        check(operation_id, response)
        statuses.add(response.status_code)
    assert statuses == {200, 204, 400, 401, 403, 404, 429}
