"""``livedetect sign``: print a signature, to debug a signature error against the service."""

from __future__ import annotations

import argparse

from livedetect_gui.cli.status import EXIT_OK, SubParsers, UsageError


def add_parser(sub: SubParsers) -> None:
    sign_p = sub.add_parser("sign", help="print a signature (for debugging signature errors)",
                            description="Print the signature and nothing else: the legacy "
                            "multi-use signature, or with --api tc3 the Authorization value.")
    sign_p.add_argument("--api", choices=("legacy", "tc3"), default="legacy")
    sign_p.add_argument("--appid", help="legacy only (required there)")
    sign_p.add_argument("--secret-id", required=True)
    sign_p.add_argument("--secret-key", required=True)
    sign_p.add_argument("--bucket", default="")
    sign_p.add_argument("--timestamp", type=int, metavar="UNIX", help="tc3: default now")
    sign_p.add_argument("--region", default="", help="tc3 (may be empty)")
    sign_p.add_argument("--host", default="iai.tencentcloudapi.com", help="tc3")
    sign_p.add_argument("--action", help="tc3 (default: the liveness action)")
    sign_p.add_argument("--version", dest="api_version", help="tc3 (default: the API version)")
    sign_p.add_argument("--body", default="", help="tc3: the exact JSON body")
    sign_p.add_argument("--expires-in", type=int, default=30, metavar="SECONDS")
    sign_p.add_argument("--now", type=int, metavar="UNIX", help="fixed time (default: the clock)")
    sign_p.add_argument("--rand", type=int, metavar="N", help="fixed nonce (default: random)")
    sign_p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        print(_signature(args))
    except UnicodeEncodeError:
        raise UsageError("the secret id, secret key or body holds characters that cannot be "
                         "encoded (retype them rather than paste them)") from None
    return EXIT_OK


def _signature(args: argparse.Namespace) -> str:
    if args.api == "tc3":
        import time

        from livedetect_gui.core.service.backend_tc3 import ACTION as TC3_ACTION
        from livedetect_gui.core.service.backend_tc3 import VERSION as TC3_VERSION
        from livedetect_gui.core.service.signing_tc3 import authorization as tc3_authorization

        args.action = args.action or TC3_ACTION
        args.api_version = args.api_version or TC3_VERSION
        timestamp = int(time.time()) if args.timestamp is None else args.timestamp
        if timestamp < 0:
            raise UsageError("--timestamp must be a unix time in seconds")
        return tc3_authorization(args.secret_id, args.secret_key, body=args.body.encode("utf-8"),
                                 host=args.host, timestamp=timestamp)
    if not args.appid:
        raise UsageError("--appid is required for a legacy signature")
    if args.expires_in < 1:
        raise UsageError("--expires-in must be at least 1 second")
    from livedetect_gui.core.service.signing_legacy import sign

    return sign(args.appid, args.secret_id, args.secret_key, bucket=args.bucket,
                expires_in=args.expires_in, now=args.now, rand=args.rand)
