"""POST /oauth2/token: a bearer token for the client credentials (Basic auth, added by the
transport). The client calls this itself, once per token; it counts against the monthly quota."""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import TokenGrant
from ..._operations import ISSUE_TOKEN as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs() -> Request:
    """Issue an access token (grant type client_credentials)."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(TokenGrant)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
