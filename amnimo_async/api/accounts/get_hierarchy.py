"""GET /accounts/{accountId}/hierarchy: the account tree with each tenant's subscription id."""

from __future__ import annotations

import httpx

from ..._arguments import uuid_string
from ..._endpoint import Endpoint
from ..._models import Account
from ..._request import Operation, Request, parse_json

OPERATION = Operation("getHierarchy", "GET", "/accounts/{accountId}/hierarchy", idempotent=True)


def _get_kwargs(account_id: str) -> Request:
    """The hierarchy under ``account_id``; ``Account.subscription_ids()`` lists its subscriptions."""
    return OPERATION.request({"accountId": uuid_string("account_id", account_id)})


def _parse_response(response: httpx.Response) -> Account:
    return parse_json(response, Account)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
