"""The per-client token bucket (rate 5/s, burst 20), driven by an injected clock."""

from __future__ import annotations

from collections.abc import Callable

from amnimo_async.testing import FakeAmnimo, ManualClock

from .conftest import asgi_client, assert_error, bearer, fetch_token


def limited(make_fake: Callable[..., FakeAmnimo], **options: object) -> FakeAmnimo:
    return make_fake(rate=5.0, burst=20, **options)


async def test_a_burst_of_21_gets_exactly_one_429(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = limited(make_fake)
    path = f"/partitions/{fake.subscription_ids[0]}/cameras"
    async with asgi_client(fake, fake.issue_token()) as http:
        statuses = [(await http.get(path, params={"size": 1})).status_code for _ in range(21)]
        assert statuses == [200] * 20 + [429]
        last = await http.get(path)
        entry = assert_error(last, 429, message="Too Many Requests")
        assert entry["status"] == "TOO MANY REQUESTS"
        assert "retry-after" not in last.headers
    assert fake.journal.rate_limited == 2


async def test_the_bucket_refills_at_the_rate(
    make_fake: Callable[..., FakeAmnimo], clock: ManualClock
) -> None:
    fake = limited(make_fake)
    path = f"/accounts/{fake.account_id}/hierarchy"
    async with asgi_client(fake, fake.issue_token()) as http:
        for _ in range(20):
            assert (await http.get(path)).status_code == 200
        assert (await http.get(path)).status_code == 429
        clock.advance(0.2)
        assert (await http.get(path)).status_code == 200
        assert (await http.get(path)).status_code == 429
        clock.advance(1.0)
        statuses = [(await http.get(path)).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        clock.advance(3600)
        statuses = [(await http.get(path)).status_code for _ in range(21)]
        assert statuses.count(429) == 1


async def test_token_calls_draw_on_the_same_bucket(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = limited(make_fake, token_quota=None)
    async with asgi_client(fake) as http:
        for _ in range(19):
            assert (await fetch_token(http, fake.client_id, fake.secret_key)).status_code == 200
        token = (await fetch_token(http, fake.client_id, fake.secret_key)).json()["access_token"]
        limited_call = await http.get(f"/accounts/{fake.account_id}/hierarchy", headers=bearer(token))
        assert_error(limited_call, 429)
        assert_error(await fetch_token(http, fake.client_id, fake.secret_key), 429)


async def test_each_client_has_its_own_bucket(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = limited(make_fake)
    other, _ = fake.add_client()
    path = f"/accounts/{fake.account_id}/hierarchy"
    async with asgi_client(fake) as http:
        mine, theirs = bearer(fake.issue_token()), bearer(fake.issue_token(other))
        for _ in range(20):
            await http.get(path, headers=mine)
        assert (await http.get(path, headers=mine)).status_code == 429
        assert (await http.get(path, headers=theirs)).status_code == 200
    assert fake.journal.count(status=429, client_id=fake.client_id) == 1
    assert fake.journal.count(status=429, client_id=other) == 0


async def test_unauthenticated_calls_are_not_metered(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = limited(make_fake)
    path = f"/accounts/{fake.account_id}/hierarchy"
    async with asgi_client(fake) as http:
        for _ in range(30):
            assert (await http.get(path, headers=bearer("garbage"))).status_code == 401
            assert (await fetch_token(http, fake.client_id, "wrong")).status_code == 401
        token = bearer(fake.issue_token())
        statuses = [(await http.get(path, headers=token)).status_code for _ in range(20)]
        assert statuses == [200] * 20


async def test_rate_none_disables_the_limit(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = make_fake(rate=None)
    async with asgi_client(fake, fake.issue_token()) as http:
        for _ in range(60):
            assert (await http.get(f"/accounts/{fake.account_id}/hierarchy")).status_code == 200


async def test_retry_after_is_configurable(make_fake: Callable[..., FakeAmnimo]) -> None:
    for setting, expected in ((2.5, "3"), ("auto", "1")):
        fake = limited(make_fake, retry_after=setting)
        async with asgi_client(fake, fake.issue_token()) as http:
            for _ in range(20):
                await http.get(f"/accounts/{fake.account_id}/hierarchy")
            response = await http.get(f"/accounts/{fake.account_id}/hierarchy")
            assert response.status_code == 429
            assert response.headers["retry-after"] == expected
