"""Schemathesis hooks of the contract test, read from the operation table (``_operations.py``).

Loaded by ``tests/contract/schemathesis.toml`` (``hooks = "tests.contract.hooks"``), so the pytest
contract test and the command line run the same way. They:

- make every positive case honour what the spec says in ``x-`` extensions, as the SDK and the fake
  do: ``x-exclusive-with`` (``cameraId`` alone), ``x-not-before`` (an end not before its start),
  ``x-calendar-date`` (no February 30), ``x-present-when`` (``resetTimer`` exactly with action 2);
- send most positive cases to the fake's own seeded ids (subscription, camera, device, media,
  port, account), so every operation is reached beyond its 404s;
- authenticate: a bearer token from the fake's ``/oauth2/token`` (Basic auth on that call).

The ids and credentials come from :func:`supply` (the pytest test), or else from the fake that
``python -m amnimo_async.testing serve`` builds with the arguments in ``AMNIMO_FAKE_ARGS``
(the same seed gives the same ids and credentials).
"""

from __future__ import annotations

import base64
import calendar
import os
import re
import shlex
import zlib
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

import attrs
import httpx
import schemathesis

from amnimo_async._operations import OPERATIONS
from amnimo_async._spec import Parameter, SpecOperation
from amnimo_async.testing import FakeAmnimo

BY_ROUTE = {(operation.method, operation.path): operation for operation in OPERATIONS.values()}
REAL_ID_SHARE = 5  # four positive cases in five go to real ids; the fifth keeps its made-up ones
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@attrs.frozen
class Supply:
    """What the hooks need from the fake under test: its ids by path parameter, its credentials."""

    ids: Mapping[str, Sequence[str]]
    client_id: str
    secret_key: str

    @classmethod
    def of(cls, fake: FakeAmnimo) -> Supply:
        """The seeded ids of the fake's first subscription (media from every camera of it)."""
        sub = fake.subscription_ids[0]
        world = fake.world
        cameras = [world.camera_id(sub, index) for index in range(3)]
        devices = [world.device_id(sub, index) for index in range(2)]
        ports = [port["id"] for port in world.peripherals(sub, 0)]
        ids = {
            "accountId": [fake.account_id],
            "subscriptionId": [sub],
            "cameraId": cameras,
            "deviceId": devices,
            "mediaId": [media["id"] for media in world.media(sub)[:5]],
            "portId": ports,
        }
        return cls(ids, fake.client_id, fake.secret_key)


_supplied: Supply | None = None


def supply(given: Supply) -> None:
    """Use ``given`` (the pytest test's fake) instead of a fake built like the served one."""
    global _supplied
    _supplied = given


def _supply() -> Supply:
    global _supplied
    if _supplied is None:  # the command line: the fake `serve` runs, with the same arguments
        from amnimo_async.testing.__main__ import _parser, build_fake

        args = _parser().parse_args(["serve", *shlex.split(os.environ.get("AMNIMO_FAKE_ARGS", ""))])
        _supplied = Supply.of(build_fake(args))
    return _supplied


# --- cases ----------------------------------------------------------------------------------


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: Any) -> Any:
    operation = BY_ROUTE.get((case.operation.method.upper(), case.operation.path))
    meta = case.meta
    if operation is None or (meta is not None and meta.generation.mode.is_negative):
        return case
    _use_real_ids(case.path_parameters)
    if isinstance(case.query, MutableMapping):
        _honour(operation.located("query"), case.query)
    if isinstance(case.body, MutableMapping):
        _honour(operation.located("body"), case.body)
    return case


def _use_real_ids(path: MutableMapping[str, Any] | None) -> None:
    """Most cases get the fake's ids (which ones, and whether, follows from the generated ones)."""
    if not path:
        return
    pick = zlib.crc32(repr(sorted(path.items())).encode())
    if pick % REAL_ID_SHARE == 0:
        return
    known = _supply().ids
    for name in path:
        if name in known and path[name] not in known[name]:  # a real id (from a link) stays
            path[name] = known[name][pick % len(known[name])]


def _honour(parameters: Sequence[Parameter], values: MutableMapping[str, Any]) -> None:
    """Bring generated values in line with the ``x-`` extensions of ``parameters``."""
    for parameter in parameters:
        name = parameter.name
        for excluded in parameter.exclusive_with if name in values else ():
            values.pop(excluded, None)
        if parameter.schema.calendar_date and isinstance(values.get(name), str):
            values[name] = _real_date(values[name])
        if parameter.schema.kind == "object" and isinstance(values.get(name), MutableMapping):
            _honour(parameter.schema.fields, values[name])
    for parameter in parameters:
        start = parameter.not_before
        end, begin = values.get(parameter.name), values.get(start) if start is not None else None
        # One fixed-width form: text order is time order.
        if start is not None and isinstance(end, str) and isinstance(begin, str) and end < begin:
            values[parameter.name], values[start] = begin, end
        if parameter.present_when is not None:
            field, wanted = parameter.present_when
            if values.get(field) == wanted:
                values.setdefault(parameter.name, parameter.schema.minimum or 1)
            else:
                values.pop(parameter.name, None)


def _real_date(text: str) -> str:
    """The timestamp with its day moved back to the last of its month where it does not exist."""
    match = _DATE.match(text)
    if match is None:
        return text
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= year <= 9999 or not 1 <= month <= 12:
        return text
    last = calendar.monthrange(year, month)[1]
    return text if day <= last else f"{year:04d}-{month:02d}-{last:02d}{text[10:]}"


# --- authentication -------------------------------------------------------------------------


@schemathesis.auth()
class FakeTokens:
    """A bearer token from the fake for every call; the token call itself gets Basic auth."""

    def get(self, case: Any, context: Any) -> str:
        given = _supply()
        base_url = case.operation.base_url or ""
        answer = httpx.post(
            f"{base_url.rstrip('/')}/oauth2/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": _basic(given)},
            timeout=10,
        )
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def set(self, case: Any, data: str, context: Any) -> None:
        token_call = _operation_of(case).auth == "basic"
        case.headers = case.headers or {}
        case.headers["Authorization"] = _basic(_supply()) if token_call else f"Bearer {data}"


def _operation_of(case: Any) -> SpecOperation:
    return BY_ROUTE[(case.operation.method.upper(), case.operation.path)]


def _basic(given: Supply) -> str:
    pair = f"{given.client_id}:{given.secret_key}".encode()
    return "Basic " + base64.b64encode(pair).decode()
