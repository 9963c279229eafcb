"""The account hierarchy on the wire and back.

Expected requests are written from the vendor's v1.7 reference (its sample curl commands and
bodies) and the wire contract; sample answers are the vendor's.
"""

from __future__ import annotations

import uuid

from amnimo_async import Account, AsyncAmnimo
from amnimo_async.api.accounts import get_hierarchy

from ._wire import HIERARCHY, assert_bearer, assert_no_body
from .conftest import ACCOUNT, CHILD_ACCOUNT, CHILD_SUB, SUB, FakeAPI

# --- accounts ----------------------------------------------------------------------------------


async def test_hierarchy(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=HIERARCHY)
    root = await amnimo.accounts.hierarchy(ACCOUNT)
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("GET", f"/ex/accounts/{ACCOUNT}/hierarchy", [])
    assert_bearer(call)
    assert_no_body(call)
    assert root.account_name == "テナント1"
    assert root.account_id == ACCOUNT
    assert root.subscription_name == "サブスクリプション1"
    assert root.subscription_id == SUB
    (child,) = root.child_accounts
    assert child == Account(
        account_id=CHILD_ACCOUNT,
        account_name="テナント2",
        subscription_id=CHILD_SUB,
        subscription_name="サブスクリプション2",
        child_accounts=(),  # its only child was {}
    )
    assert root.subscription_ids() == [SUB, CHILD_SUB]


async def test_hierarchy_subscription_ids_span_the_whole_tree(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = [str(uuid.UUID(int=i)) for i in range(1, 10)]
    api.reply(
        json={
            "accountId": ids[0],
            "subscriptionId": "sub-a",
            "childAccounts": [
                {},
                {
                    "accountId": ids[1],
                    "subscriptionId": "sub-b",
                    "childAccounts": [
                        {"accountId": ids[2], "subscriptionId": "sub-c", "childAccounts": [{}, {}]},
                        {"accountId": ids[3]},  # no subscription
                    ],
                },
                {"accountId": ids[4], "subscriptionId": "sub-a"},  # repeated: listed once
                {"accountId": ids[5], "subscriptionId": "sub-d", "futureField": 1},
            ],
        }
    )
    root = await amnimo.accounts.hierarchy(ids[0])
    assert root.subscription_ids() == ["sub-a", "sub-b", "sub-c", "sub-d"]
    assert [a.account_id for a in root.child_accounts] == [ids[1], ids[4], ids[5]]
    assert root.child_accounts[1].account_name is None
    assert root.child_accounts[1].child_accounts == ()
    assert root.child_accounts[2].extra == {"futureField": 1}


async def test_hierarchy_through_the_generated_function(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=HIERARCHY)
    root = await get_hierarchy.asyncio(amnimo, account_id=ACCOUNT.upper())
    assert api.only_call().path == f"/ex/accounts/{ACCOUNT}/hierarchy"  # canonical lower case
    assert root.account_id == ACCOUNT
