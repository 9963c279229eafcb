"""POST /oauth2/token: a bearer token for the client credentials (Basic auth, added by the
transport). The client calls this itself, once per token; it counts against the monthly quota."""

from __future__ import annotations

import httpx

from ..._endpoint import Endpoint
from ..._models import TokenGrant
from ..._request import Operation, Request, parse_json

OPERATION = Operation("issueToken", "POST", "/oauth2/token", idempotent=True, auth="basic")


def _get_kwargs() -> Request:
    """Issue an access token (grant type client_credentials)."""
    return OPERATION.request(form={"grant_type": "client_credentials"})


def _parse_response(response: httpx.Response) -> TokenGrant:
    return parse_json(response, TokenGrant)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
