"""Token issue, credentials, expiry (403) and the monthly token quota."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx

from amnimo_async.testing import FakeAmnimo, ManualClock

from .conftest import asgi_client, assert_error, basic, bearer, fetch_token


async def test_token_is_issued_with_the_documented_shape(fake: FakeAmnimo) -> None:
    async with asgi_client(fake) as http:
        response = await fetch_token(http, fake.client_id, fake.secret_key)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 7200
        assert isinstance(body["access_token"], str)
        assert len(body["access_token"]) >= 20
        hierarchy = await http.get(
            f"/accounts/{fake.account_id}/hierarchy", headers=bearer(body["access_token"])
        )
        assert hierarchy.status_code == 200
        assert hierarchy.json()["accountId"] == fake.account_id


async def test_tokens_are_random_and_lifetime_is_configurable(
    make_fake: Callable[..., FakeAmnimo],
) -> None:
    fake = make_fake(token_lifetime=60.0)
    async with asgi_client(fake) as http:
        first = (await fetch_token(http, fake.client_id, fake.secret_key)).json()
        second = (await fetch_token(http, fake.client_id, fake.secret_key)).json()
    assert first["expires_in"] == 60
    assert first["access_token"] != second["access_token"]


async def test_wrong_credentials_answer_401(fake: FakeAmnimo) -> None:
    async with asgi_client(fake) as http:
        form = {"grant_type": "client_credentials"}
        assert_error(await fetch_token(http, fake.client_id, "wrong"), 401)
        assert_error(await fetch_token(http, "nobody", fake.secret_key), 401)
        assert_error(await http.post("/oauth2/token", data=form), 401)
        garbage = {"Authorization": "Basic !!!not-base64!!!"}
        assert_error(await http.post("/oauth2/token", data=form, headers=garbage), 401)
        no_colon = {"Authorization": "Basic " + base64.b64encode(b"just-an-id").decode()}
        assert_error(await http.post("/oauth2/token", data=form, headers=no_colon), 401)
        token = fake.issue_token()
        assert_error(await http.post("/oauth2/token", data=form, headers=bearer(token)), 401)


async def test_grant_type_and_content_type_are_checked(fake: FakeAmnimo) -> None:
    headers = basic(fake.client_id, fake.secret_key)
    async with asgi_client(fake) as http:
        wrong_grant = await http.post("/oauth2/token", data={"grant_type": "password"}, headers=headers)
        assert_error(wrong_grant, 400, field="grant_type")
        form_type = {"Content-Type": "application/x-www-form-urlencoded"}
        no_grant = await http.post("/oauth2/token", content=b"", headers={**headers, **form_type})
        assert_error(no_grant, 400, field="grant_type")
        as_json = await http.post("/oauth2/token", json={"grant_type": "client_credentials"}, headers=headers)
        assert_error(as_json, 400, field="Content-Type")
        extra = await http.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials", "scope": "all"},
            headers=headers,
        )
        assert_error(extra, 400, field="scope")
    assert fake.auth.quota_left(fake.clients[fake.client_id]) == 1000


async def test_bearer_token_is_required(fake: FakeAmnimo) -> None:
    path = f"/accounts/{fake.account_id}/hierarchy"
    async with asgi_client(fake) as http:
        assert_error(await http.get(path), 401)
        assert_error(await http.get(path, headers=bearer("made-up")), 401)
        assert_error(await http.get(path, headers=basic(fake.client_id, fake.secret_key)), 401)
        assert_error(await http.get(path, headers={"Authorization": "Bearer "}), 401)


async def test_expired_token_answers_403_by_the_clock(
    make_fake: Callable[..., FakeAmnimo], clock: ManualClock
) -> None:
    fake = make_fake(token_lifetime=100.0)
    path = f"/accounts/{fake.account_id}/hierarchy"
    async with asgi_client(fake) as http:
        token = (await fetch_token(http, fake.client_id, fake.secret_key)).json()["access_token"]
        clock.advance(99.9)
        assert (await http.get(path, headers=bearer(token))).status_code == 200
        clock.advance(0.1)
        assert_error(await http.get(path, headers=bearer(token)), 403, message="Token expired")
        fresh = (await fetch_token(http, fake.client_id, fake.secret_key)).json()["access_token"]
        assert (await http.get(path, headers=bearer(fresh))).status_code == 200


async def test_expire_all_tokens(fake: FakeAmnimo) -> None:
    path = f"/accounts/{fake.account_id}/hierarchy"
    token = fake.issue_token()
    async with asgi_client(fake, token) as http:
        assert (await http.get(path)).status_code == 200
        fake.expire_all_tokens()
        assert_error(await http.get(path), 403, message="Token expired")


async def test_monthly_quota_answers_429_limit_exceeded(
    make_fake: Callable[..., FakeAmnimo], clock: ManualClock
) -> None:
    fake = make_fake(token_quota=3)
    other_id, other_secret = fake.add_client()
    async with asgi_client(fake) as http:
        for _ in range(3):
            assert (await fetch_token(http, fake.client_id, fake.secret_key)).status_code == 200
        over = await fetch_token(http, fake.client_id, fake.secret_key)
        assert_error(over, 429, message="Limit Exceeded")
        assert "retry-after" not in over.headers
        assert (await fetch_token(http, other_id, other_secret)).status_code == 200
        clock.advance(31 * 86400)  # the next calendar month
        assert (await fetch_token(http, fake.client_id, fake.secret_key)).status_code == 200
    assert fake.journal.tokens_issued == 5
    assert fake.journal.token_calls == 6


async def test_extra_clients_share_the_account(fake: FakeAmnimo) -> None:
    client_id, secret_key = fake.add_client()
    assert client_id != fake.client_id
    assert secret_key != fake.secret_key
    async with asgi_client(fake) as http:
        token = (await fetch_token(http, client_id, secret_key)).json()["access_token"]
        response = await http.get(f"/accounts/{fake.account_id}/hierarchy", headers=bearer(token))
        assert response.json() == fake.world.hierarchy()
        assert fake.journal.entries[-1].client_id == client_id


def test_credentials_are_deterministic_per_seed() -> None:
    one, same, other = FakeAmnimo(seed=4), FakeAmnimo(seed=4), FakeAmnimo(seed=5)
    assert (one.client_id, one.secret_key, one.account_id) == (
        same.client_id,
        same.secret_key,
        same.account_id,
    )
    assert one.client_id != other.client_id
    assert one.subscription_ids == same.subscription_ids != other.subscription_ids
    assert isinstance(one.asgi_transport(), httpx.ASGITransport)


def test_the_registry_shows_no_token_nor_secret(fake: FakeAmnimo) -> None:
    token = fake.issue_token()
    shown = repr(fake.auth)
    assert token not in shown
    assert fake.secret_key not in shown
    assert fake.issued_tokens() == [token]  # the registry does hold it
