"""``python -m benchmarks [NAME ...]``: run the benchmark modules, all of them or those named.

Modules run in the order of :data:`BENCHMARKS`, or in the order named. A module that does not
exist (yet) is skipped when running everything and an error when asked for by name; an import
error *inside* a module is never hidden.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

BENCHMARKS = ("overhead", "sync_overhead", "sweep", "fleet")
"""Benchmark modules of this package, in running order; each exposes ``main() -> None``."""


def load(name: str) -> Callable[[], None] | None:
    """``benchmarks.<name>.main``, or ``None`` if there is no such module."""
    module_name = f"{__package__ or 'benchmarks'}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    main: Callable[[], None] = module.main
    return main


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run amnimo-async benchmarks side by side; print markdown tables.",
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run, in the given order (default: all of {', '.join(BENCHMARKS)})",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)} (choose from {', '.join(BENCHMARKS)})")
    names: Sequence[str] = args.names or BENCHMARKS
    explicit = bool(args.names)
    # Import everything first, so a broken module fails the run before anything is measured.
    mains: list[Callable[[], None]] = []
    for name in dict.fromkeys(names):
        main = load(name)
        if main is not None:
            mains.append(main)
        elif explicit:
            parser.error(f"benchmarks/{name}.py does not exist yet")
        else:
            print(f"<!-- benchmarks/{name}.py not present: skipped -->\n", flush=True)
    for main in mains:
        main()
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(run())
