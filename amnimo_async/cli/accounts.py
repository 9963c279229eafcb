"""``amnimo hierarchy``: the account tree."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text
from rich.tree import Tree

from amnimo_async import Account

from ._options import TreeFormat
from ._output import emit_json, jsonable, stdout_console
from ._runtime import call

__all__ = ["hierarchy"]


def hierarchy(
    ctx: typer.Context,
    account_id: str,
    fmt: Annotated[TreeFormat, typer.Option("--format", "-f", help="Output format.")] = TreeFormat.tree,
) -> None:
    """The account tree under ACCOUNT_ID with its subscriptions."""
    root = call(ctx, lambda amnimo: amnimo.accounts.hierarchy(account_id))
    if fmt is TreeFormat.json:
        emit_json(jsonable(root))
        return
    tree = Tree(Text(_label(root)))
    stack: list[tuple[Account, Tree]] = [(root, tree)]
    while stack:
        account, node = stack.pop()
        for child in account.child_accounts:
            stack.append((child, node.add(Text(_label(child)))))
    stdout_console().print(tree)


def _label(account: Account) -> str:
    label = f"{account.account_name or '(unnamed)'} [{account.account_id}]"
    if account.subscription_id:
        label += f" — subscription {account.subscription_name or ''} [{account.subscription_id}]"
    return label
