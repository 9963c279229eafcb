"""The contract test: schemathesis against the fake on loopback, every check, every phase.

It runs the schemathesis command line in process with ``tests/contract/schemathesis.toml``,
exactly as a developer does by hand (see that file), against ``FakeAmnimo`` served on 127.0.0.1:
the examples, coverage, fuzzing and stateful phases, all checks, positive and negative cases, a
fixed seed in deterministic mode. The hooks (``hooks.py``) get the fake's seeded ids and
credentials, so every operation is reached with real ids, not only 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis.internal.conjecture import providers
from hypothesis.internal.constants_ast import Constants
from schemathesis.cli import schemathesis as schemathesis_cli

from amnimo_async._operations import OPERATIONS
from amnimo_async.testing import FakeAmnimo, FakeServer, ManualClock

from . import hooks

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "amnimo_async" / "openapi.yaml"
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture(scope="module")
def served() -> Iterator[FakeServer]:
    # The fake's time stands still: an HLS session the stateful phase starts is still live when
    # its update comes, however slow the machine (on the wall clock a loaded machine saw 404s).
    fake = FakeAmnimo(seed=3, rate=None, token_quota=None, media_processing_delay=0.05, clock=ManualClock())
    hooks.supply(hooks.Supply.of(fake))
    with fake.serve() as server:
        yield server


@pytest.fixture(scope="module")
def run(served: FakeServer, monkeypatch_module: pytest.MonkeyPatch) -> str:
    """The output of one whole schemathesis run (shared by the checks below)."""
    monkeypatch_module.chdir(ROOT)  # the config names the hooks as a module of this checkout
    # Hypothesis also draws values from the literals of every local module loaded in the process,
    # so a literal added anywhere in the package (or a test importing one more module) changed
    # the cases; the run depends on the spec and the fake alone.
    monkeypatch_module.setattr(providers, "_get_local_constants", Constants)
    providers.CONSTANTS_CACHE.cache.clear()  # (what earlier hypothesis tests drew from them)
    arguments = ["--config-file", str(CONFIG), "run", str(SPEC), "--url", served.base_url, "--no-color"]
    result = CliRunner().invoke(schemathesis_cli, arguments)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_no_failure_in_any_phase(run: str) -> None:
    assert "No issues found" in run, run
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅  {phase}" in run, run
    assert f"{len(OPERATIONS)} selected / {len(OPERATIONS)} total" in run


def test_every_operation_was_reached_with_real_ids(run: str, served: FakeServer) -> None:
    journal = served.journal
    for operation_id in OPERATIONS:
        succeeded = sum(journal.count(route=operation_id, status=status) for status in (200, 204))
        assert succeeded > 0, f"{operation_id} never succeeded: {journal.by_route()[operation_id]} calls"
        assert journal.count(route=operation_id, status=400) > 0, f"{operation_id} never refused a case"
