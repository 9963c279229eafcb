"""Every ```python block of the docs (docs/**/*.md) runs, as written, against a FakeAmnimo on loopback.

The examples are user programs: they take the credentials and base URL from the environment
(``AMNIMO_CLIENT_ID``, ``AMNIMO_SECRET_KEY``, ``AMNIMO_BASE_URL``: here the fake's) and use the
ids of the tenant under the names the docs announce (docs/index.md, "About the examples"):
``ACCOUNT_ID``, ``SUBSCRIPTION_ID``, ``CAMERA_ID``, ``DEVICE_ID``, ``PORT_ID``, ``MEDIA_ID``,
and ``REDIS_URL`` (a real ``redis-server`` started for the block that uses it). Each block runs
in a fresh fake and its own working directory, as ``__main__``.

The README's example runs the same way. A marker in the fence's info string
(``{.python .pytest}``) makes the block a test module of the user's own: it runs under pytest
(with this package's plugin) and must pass. No other marker is allowed: no example is switched off.
"""

from __future__ import annotations

import ast
import contextlib
import linecache
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from amnimo_async.testing import DataProfile, FakeAmnimo, SubscriptionSpec
from amnimo_async.testing._redis_server import RedisServer

from ._markdown import CodeBlock, code_blocks

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
KNOWN_MARKERS = {"pytest"}


def python_blocks() -> list[CodeBlock]:
    blocks = []
    for path in [REPO / "README.md", *sorted(DOCS.rglob("*.md"))]:
        blocks += [
            block
            for block in code_blocks(path.relative_to(REPO), path.read_text(encoding="utf-8"))
            if block.language in ("python", "py")
        ]
    return blocks


BLOCKS = python_blocks()


@pytest.fixture
def tenant(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A fake tenant on loopback, the environment pointing at it, and the ids the docs name."""
    fake = FakeAmnimo(
        seed=11,
        profile=DataProfile(subscriptions=[SubscriptionSpec(cameras=12, media=30, devices=3)] * 2),
        media_processing_delay=0.2,
    )
    with fake.serve() as server:
        monkeypatch.setenv("AMNIMO_CLIENT_ID", server.client_id)
        monkeypatch.setenv("AMNIMO_SECRET_KEY", server.secret_key)
        monkeypatch.setenv("AMNIMO_BASE_URL", server.base_url)
        monkeypatch.chdir(tmp_path)
        world, subscription = server.world, server.subscription_ids[0]
        yield {
            "ACCOUNT_ID": server.account_id,
            "SUBSCRIPTION_ID": subscription,
            "CAMERA_ID": world.camera_id(subscription, 0),
            "DEVICE_ID": world.device_id(subscription, 0),
            "PORT_ID": world.peripherals(subscription, 0)[0]["id"],
            "MEDIA_ID": world.media(subscription)[0]["id"],
        }


def run_program(block: CodeBlock, names: dict[str, Any]) -> None:
    """Run the block as ``__main__``; a traceback points at the line of the Markdown file."""
    path = REPO / block.path
    linecache.checkcache(str(path))
    tree = ast.parse(block.code, filename=str(path))
    ast.increment_lineno(tree, block.line - 1)
    exec(compile(tree, str(path), "exec"), {"__name__": "__main__", **names})


class _Outcomes:
    """A pytest plugin counting the outcomes of the tests a nested run executes."""

    def __init__(self) -> None:
        self.outcomes: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.outcome != "passed":
            self.outcomes.append(report.outcome)


def run_test_module(block: CodeBlock, directory: Path) -> None:
    """Run the block as the user's test module, under pytest with this package's plugin: every
    test in it must run and pass (none skipped)."""
    module = directory / f"test_{block.path.stem}_{block.line}.py"
    module.write_text(block.code, encoding="utf-8")
    counted = _Outcomes()
    arguments = [str(module), "-q", "-p", "no:cacheprovider", "--rootdir", str(directory)]
    arguments += ["-o", "asyncio_default_fixture_loop_scope=function"]  # pytest-asyncio's advice
    result = pytest.main(arguments, plugins=[counted])
    assert result == pytest.ExitCode.OK, f"the test module of {block.name} did not pass: {result!r}"
    assert counted.outcomes, "the test module ran no test"
    assert set(counted.outcomes) == {"passed"}, counted.outcomes


def test_the_docs_have_examples() -> None:
    """The collection sees the guides' examples (a parser that found none would pass anything)."""
    pages = {block.path.name for block in BLOCKS}
    assert len(BLOCKS) >= 20
    assert {"README.md", "quickstart.md", "async.md", "sync.md", "testing.md", "errors.md"} <= pages
    assert any("pytest" in block.markers for block in BLOCKS)


@pytest.mark.parametrize("block", [pytest.param(block, id=block.name) for block in BLOCKS])
def test_example(block: CodeBlock, tenant: dict[str, Any], tmp_path: Path) -> None:
    unknown = block.markers - KNOWN_MARKERS
    assert not unknown, f"{block.name}: unknown markers {sorted(unknown)} (known: {sorted(KNOWN_MARKERS)})"
    with contextlib.ExitStack() as stack:
        names = dict(tenant)
        if "REDIS_URL" in block.code:
            redis_dir = tmp_path / "redis"
            redis_dir.mkdir()
            names["REDIS_URL"] = stack.enter_context(RedisServer.started(redis_dir)).url
        if "pytest" in block.markers:
            run_test_module(block, tmp_path)
        else:
            run_program(block, names)
