"""Shared measuring and printing for the benchmark modules.

The project's rule for performance claims: contenders run side by side in one process, in
interleaved rounds (the order rotates every round, so drift and warm caches hit each contender
alike), and what is reported is medians of rounds, with ratios and differences taken per round
(paired) before the median.
"""

from __future__ import annotations

import gc
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from importlib import metadata

SyncRun = Callable[[int], None]
"""Runs a contender's operation ``n`` times."""

AsyncRun = Callable[[int], Awaitable[None]]
"""Runs a contender's async operation ``n`` times (sequentially, in the running event loop)."""

COMMAND = "`nox -s bench` (= `python -m benchmarks`)"


def _rotated(names: Sequence[str], round_index: int) -> list[str]:
    shift = round_index % len(names)
    return [*names[shift:], *names[:shift]]


def interleave(
    contenders: Mapping[str, SyncRun], *, n: int, rounds: int, warmup: int
) -> dict[str, list[float]]:
    """Nanoseconds per operation of each contender, one sample per round.

    Each contender first runs ``warmup`` operations; then every round runs each contender ``n``
    times, in an order that rotates from round to round.
    """
    for run in contenders.values():
        run(warmup)
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in _rotated(names, index):
            gc.collect()
            started = time.perf_counter_ns()
            contenders[name](n)
            samples[name].append((time.perf_counter_ns() - started) / n)
    return samples


async def interleave_async(
    contenders: Mapping[str, AsyncRun], *, n: int, rounds: int, warmup: int
) -> dict[str, list[float]]:
    """:func:`interleave` for coroutine contenders, all in the current event loop."""
    for run in contenders.values():
        await run(warmup)
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in _rotated(names, index):
            gc.collect()
            started = time.perf_counter_ns()
            await contenders[name](n)
            samples[name].append((time.perf_counter_ns() - started) / n)
    return samples


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def paired_ratio(samples: Sequence[float], baseline: Sequence[float]) -> float:
    """The median over rounds of ``sample / baseline`` in the same round."""
    return statistics.median(a / b for a, b in zip(samples, baseline, strict=True))


def paired_difference(samples: Sequence[float], baseline: Sequence[float]) -> float:
    """The median over rounds of ``sample - baseline`` in the same round."""
    return statistics.median(a - b for a, b in zip(samples, baseline, strict=True))


def spread(values: Sequence[float], scale: float, digits: int = 1) -> str:
    """``min–max`` of the rounds, divided by ``scale``, for a table cell."""
    return f"{min(values) / scale:.{digits}f}–{max(values) / scale:.{digits}f}"


def comparison_rows(
    samples: Mapping[str, list[float]],
    *,
    baseline: str,
    compared: Collection[str],
    scale: float,
    digits: int,
    per: Callable[[float], str],
    suffix: str = "",
) -> list[list[str]]:
    """A table row per contender: median and rounds' spread (divided by ``scale``), the paired
    difference from ``baseline`` for the ``compared`` contenders, ``per`` of the median, and the
    paired ratio to ``baseline``."""
    base = samples[baseline]
    rows = []
    for name, values in samples.items():
        versus = name in compared
        ratio = f"{paired_ratio(values, base):.2f}×" if versus else "1.00×" if name == baseline else "—"
        rows.append(
            [
                name + suffix,
                f"{median(values) / scale:.{digits}f}",
                spread(values, scale, digits),
                f"{paired_difference(values, base) / scale:+.{digits}f}" if versus else "—",
                per(median(values)),
                ratio,
            ]
        )
    return rows


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A markdown table; the first column left-aligned, the others right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (width + 1) + ":" if i else ":" + "-" * (width + 1) for i, width in enumerate(widths)
    )
    return "\n".join([line(headers), rule + "|", *(line(row) for row in rows)])


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def environment(*distributions: str) -> str:
    """One line naming the interpreter, platform and the versions of ``distributions``."""
    versions = ", ".join(f"{name} {_version(name)}" for name in distributions)
    implementation = platform.python_implementation()
    python = f"{implementation} {platform.python_version()}"
    return f"{python} on {sys.platform}/{platform.machine()}; {versions}"


def check(condition: bool, what: str) -> None:
    """A sanity check that survives ``python -O`` (the contenders must do the same work)."""
    if not condition:
        raise RuntimeError(f"benchmark setup is wrong: expected {what}")


def verdict(label: str, ok: bool, detail: str) -> str:
    """A target's line in a report: ``- ✓ label: detail``, ``✗`` when it is missed."""
    return f"- {'✓' if ok else '✗'} {label}: {detail}"
