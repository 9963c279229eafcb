"""GET /accounts/{accountId}/hierarchy: the account tree with each tenant's subscription id."""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import Account
from ..._operations import GET_HIERARCHY as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(account_id: str) -> Request:
    """The hierarchy under ``account_id``; ``Account.subscription_ids()`` lists its subscriptions."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(Account)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
