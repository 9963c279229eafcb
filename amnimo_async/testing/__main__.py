"""``python -m amnimo_async.testing serve``: run FakeAmnimo on a port until Ctrl-C.

Example::

    python -m amnimo_async.testing serve --port 8080 --seed 1 --cameras 2000 --media 500 \\
        --devices 50 --subscriptions 5 --rate 5 --burst 20 --latency 0.05

It prints the base URL, a client ID and secret (made up by the fake) and the account ID.
``--create-media 2 --delete-media 0.5 --add-cameras 1 --add-devices 0.2`` (changes per second
per subscription) make the lists change on their own while it serves.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Literal

import uvicorn

from ._churn import ChurnRates
from ._fake import FakeAmnimo
from ._faults import Fault
from ._profile import DataProfile, SubscriptionSpec
from ._server import bind_socket, uvicorn_config

_CHURN_FLAGS = {
    "--create-media": "media_created",
    "--delete-media": "media_deleted",
    "--add-cameras": "cameras_added",
    "--delete-cameras": "cameras_deleted",
    "--add-devices": "devices_added",
    "--delete-devices": "devices_deleted",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m amnimo_async.testing",
        description="FakeAmnimo: the amnimo API v1.7 as a local server.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the fake until interrupted (Ctrl-C)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind [127.0.0.1]")
    serve.add_argument("--port", type=int, default=8080, help="port (0: any free port) [8080]")
    serve.add_argument("--seed", type=int, default=1, help="data seed [1]")
    data = serve.add_argument_group("data (per subscription)")
    data.add_argument("--subscriptions", type=int, default=3, help="subscriptions [3]")
    data.add_argument("--cameras", type=int, default=20, help="cameras [20]")
    data.add_argument("--media", type=int, default=50, help="generated media [50]")
    data.add_argument("--devices", type=int, default=5, help="devices [5]")
    data.add_argument("--external-devices", type=int, default=3, help="most external devices per device [3]")
    data.add_argument("--peripherals", type=int, default=4, help="ports per device [4]")
    data.add_argument("--depth", type=int, default=2, help="account tree depth [2]")
    data.add_argument(
        "--sizes",
        action="store_true",
        help="instead: three subscriptions of 0, exactly one page and one page plus one",
    )
    limits = serve.add_argument_group("limits and behaviour")
    limits.add_argument("--rate", type=float, default=5.0, help="requests/s per client [5]")
    limits.add_argument("--burst", type=int, default=20, help="bucket size per client [20]")
    limits.add_argument("--no-rate-limit", action="store_true", help="disable the rate limit")
    limits.add_argument("--retry-after", default=None, help="send Retry-After on 429 (seconds or 'auto')")
    limits.add_argument("--token-lifetime", type=float, default=7200.0, help="seconds [7200]")
    limits.add_argument("--token-quota", type=int, default=1000, help="tokens/month/client, 0: none [1000]")
    limits.add_argument("--media-delay", type=float, default=2.0, help="seconds to COMPLETED [2]")
    limits.add_argument("--lenient", action="store_true", help="accept unknown parameters and loose formats")
    faults = serve.add_argument_group("faults (every API route)")
    faults.add_argument("--latency", type=float, default=0.0, help="added seconds per call [0]")
    faults.add_argument("--jitter", type=float, default=0.0, help="up to this many more seconds [0]")
    faults.add_argument("--error-rate", type=float, default=0.0, help="share of calls answered 503 [0]")
    faults.add_argument("--reset-rate", type=float, default=0.0, help="share of calls reset [0]")
    churn = serve.add_argument_group("churn (changes per second per subscription while serving)")
    for flag, kind in _CHURN_FLAGS.items():
        churn.add_argument(
            flag,
            type=float,
            default=0.0,
            dest=kind,
            metavar="RATE",
            help=f"{kind.replace('_', ' ')} per second [0]",
        )
    serve.add_argument("--log-level", default="warning", help="uvicorn log level [warning]")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    return parser


def build_fake(args: argparse.Namespace) -> FakeAmnimo:
    """The FakeAmnimo the command line asks for."""
    if args.sizes:
        profile = DataProfile.sizes(depth=args.depth)
    else:
        spec = SubscriptionSpec(
            cameras=args.cameras,
            media=args.media if args.cameras else 0,
            devices=args.devices,
            external_devices=args.external_devices,
            peripherals=args.peripherals,
        )
        profile = DataProfile(subscriptions=(spec,) * args.subscriptions, depth=args.depth)
    retry_after: float | Literal["auto"] | None = None
    if args.retry_after == "auto":
        retry_after = "auto"
    elif args.retry_after is not None:
        retry_after = float(args.retry_after)
    fake = FakeAmnimo(
        seed=args.seed,
        profile=profile,
        rate=None if args.no_rate_limit else args.rate,
        burst=args.burst,
        token_lifetime=args.token_lifetime,
        token_quota=args.token_quota or None,
        media_processing_delay=args.media_delay,
        strict=not args.lenient,
        retry_after=retry_after,
        churn=ChurnRates(**{kind: getattr(args, kind) for kind in _CHURN_FLAGS.values()}),
    )
    if args.latency or args.jitter:
        fake.faults.add(Fault(kind="latency", latency=args.latency, jitter=args.jitter))
    if args.error_rate:
        fake.faults.add(Fault(kind="status", status=503, probability=args.error_rate))
    if args.reset_rate:
        fake.faults.add(Fault(kind="reset", probability=args.reset_rate))
    return fake


def serve(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM; answers the exit code."""
    fake = build_fake(args)
    sock = bind_socket(args.host, args.port)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    print("FakeAmnimo (amnimo API v1.7) serving; press Ctrl-C to stop.", flush=True)
    print(f"base URL:      http://{host}:{port}/ex")
    print(f"client ID:     {fake.client_id}")
    print(f"secret key:    {fake.secret_key}")
    print(f"account ID:    {fake.account_id}")
    print(f"subscriptions: {', '.join(fake.subscription_ids)}", flush=True)
    config = uvicorn_config(fake, log_level=args.log_level, access_log=args.access_log)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("FakeAmnimo stopped.", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m amnimo_async.testing``."""
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2  # pragma: no cover - argparse rejects other commands


if __name__ == "__main__":
    sys.exit(main())
