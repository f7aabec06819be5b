"""``livedetect sandbox``: serve the local emulator of the service until Ctrl+C or SIGTERM."""

from __future__ import annotations

import argparse
import sys

from livedetect_gui.cli.status import EXIT_ERROR, EXIT_OK, SubParsers, UsageError


def add_parser(sub: SubParsers) -> None:
    sb = sub.add_parser("sandbox", help="serve the local emulator of the service",
                        description="Serve POST /face/livedetectpicture with real signature "
                        "checks and limits but SIMULATED scores. Stops on Ctrl+C or SIGTERM.")
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=int, default=0, help="0 picks a free port")
    sb.add_argument("--appid")
    sb.add_argument("--secret-id")
    sb.add_argument("--secret-key")
    sb.add_argument("--rate-limit", type=float, default=0.0,
                    help="requests per second per appid before code 15 (0: none)")
    sb.add_argument("--latency-ms", type=int, default=0)
    sb.add_argument("--fail-rate", type=float, default=0.0, help="share answered HTTP 500/502/503")
    sb.add_argument("--reset-rate", type=float, default=0.0, help="share of dropped connections")
    sb.add_argument("--garbage-rate", type=float, default=0.0, help="share of non-JSON answers")
    sb.add_argument("--throttle-rate", type=float, default=0.0, help="share answered code 15")
    sb.add_argument("--seed", type=int, default=0, help="seed of the fault draws")
    sb.add_argument("--allow-loopback-urls", action="store_true",
                    help="let URL mode fetch from 127.0.0.1/::1 (local testing only)")
    sb.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from livedetect_gui.core.imaging.prepare import tune_allocator

    tune_allocator()  # the sandbox decodes the photos it is sent
    import signal
    import threading

    from livedetect_gui.cli.console import STOP_SIGNALS
    from livedetect_gui.core.service import credentials as creds
    from livedetect_gui.core.service.signing_legacy import Account
    from livedetect_gui.sandbox.server import Faults, Sandbox, SandboxConfig

    given = [args.appid, args.secret_id, args.secret_key]
    if any(given) and not all(given):
        raise UsageError("give all of --appid, --secret-id and --secret-key, or none")
    for name in ("fail_rate", "reset_rate", "garbage_rate", "throttle_rate"):
        if not 0 <= getattr(args, name) <= 1:
            raise UsageError(f"--{name.replace('_', '-')} must be between 0 and 1")
    faults = Faults(latency_ms=args.latency_ms, fail_rate=args.fail_rate,
                    reset_rate=args.reset_rate, garbage_rate=args.garbage_rate,
                    throttle_rate=args.throttle_rate, seed=args.seed)
    accounts = [Account(args.appid, args.secret_id, args.secret_key)] if all(given) else []
    try:
        sandbox = Sandbox(SandboxConfig(host=args.host, port=args.port, accounts=accounts,
                                        faults=faults, rate_limit=args.rate_limit,
                                        allow_loopback_urls=args.allow_loopback_urls))
    except OSError as exc:
        print(f"livedetect: cannot listen on {args.host}:{args.port}: {exc.strerror}",
              file=sys.stderr)
        return EXIT_ERROR
    if sandbox.exposed:
        print(f"WARNING: the sandbox listens on {args.host}, reachable from other machines. It "
              "is a test service with simulated scores; bind it to 127.0.0.1 unless you mean "
              "it.\n警告：沙盒监听在可被其他机器访问的地址上。它只是模拟评分的测试服务；"
              "除非确有需要，请绑定到 127.0.0.1。", file=sys.stderr, flush=True)
    if not accounts:
        # The sandbox's own throwaway account: printing it is the point.
        acc = sandbox.account
        print(f"demo credentials: appid={acc.appid} secret_id={acc.secret_id} "
              f"secret_key={acc.secret_key}", flush=True)
    stop = threading.Event()
    for signum in STOP_SIGNALS:
        signal.signal(signum, lambda *_: stop.set())
    sandbox.start()
    print(f"listening on {sandbox.url}", flush=True)
    print(f"legacy API: POST {sandbox.url}/face/livedetectpicture; API 3.0: POST {sandbox.url}/ "
          f"(regions: {', '.join(creds.TC3_REGIONS)})", file=sys.stderr, flush=True)
    print("scores are SIMULATED, not a liveness judgement", file=sys.stderr, flush=True)
    while not stop.wait(0.5):
        pass
    sandbox.stop()
    print("sandbox stopped", file=sys.stderr)
    return EXIT_OK
