"""``python -m amnimo_async._codegen [--check]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._generate import generate, stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m amnimo_async._codegen",
        description="Generate the operation table and the enums from amnimo_async/openapi.yaml.",
    )
    parser.add_argument("--check", action="store_true", help="only check that the files are current")
    args = parser.parse_args(argv)
    if args.check:
        outdated = stale()
        for path in outdated:
            print(f"{path} is stale: run python -m amnimo_async._codegen", file=sys.stderr)
        return 1 if outdated else 0
    for path in generate():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
