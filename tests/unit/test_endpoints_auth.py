"""The token call on the wire and back: a Basic-authenticated form post, its grant reused.

Expected requests are written from the vendor's v1.7 reference (its sample curl commands and
bodies) and the wire contract; sample answers are the vendor's.
"""

from __future__ import annotations

from amnimo_async import AsyncAmnimo, TokenGrant
from amnimo_async.api.auth import issue_token

from ._wire import CAMERA_JSON, assert_bearer
from .conftest import BASIC, BEARER, CAMERA, SUB, TOKEN, FakeAPI

# --- the token ---------------------------------------------------------------------------------


async def test_the_token_call_is_a_basic_authenticated_form_post(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=CAMERA_JSON)
    await amnimo.cameras.get(SUB, CAMERA)
    token_call = api.calls[0]
    assert token_call.method == "POST"
    assert token_call.path == "/ex/oauth2/token"
    assert token_call.params == []
    assert token_call.headers["Authorization"] == BASIC
    assert token_call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert token_call.form == {"grant_type": "client_credentials"}
    assert_bearer(api.only_call())


async def test_the_token_is_reused_across_calls(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=CAMERA_JSON)
    for _ in range(3):
        await amnimo.cameras.get(SUB, CAMERA)
    assert len(api.token_calls) == 1
    assert len(api.api_calls) == 3
    assert all(call.headers["Authorization"] == BEARER for call in api.api_calls)


async def test_issue_token_module_returns_the_grant(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    grant = await issue_token.asyncio(amnimo)
    assert grant == TokenGrant(access_token=TOKEN, token_type="Bearer", expires_in=7200)
    assert [c.path for c in api.calls] == ["/ex/oauth2/token"]
    assert api.calls[0].headers["Authorization"] == BASIC
