"""``livedetect credentials``: set, show, list and delete credential profiles in the OS keyring."""

from __future__ import annotations

import argparse
import sys

from livedetect_gui.cli.output import language
from livedetect_gui.cli.status import EXIT_ERROR, EXIT_OK, Parser, SubParsers, UsageError


def add_parser(sub: SubParsers) -> None:
    cr = sub.add_parser("credentials", help="manage credential profiles in the OS keyring",
                        description="Profiles live in the OS keyring, never in a file.")
    cr.set_defaults(run=run)
    cr_sub = cr.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser,
                               required=True)
    cr_set = cr_sub.add_parser("set", help="save a profile (the key is asked for, not echoed)")
    cr_set.add_argument("--profile", help="profile name (default: 'default')")
    cr_set.add_argument("--api", choices=("legacy", "tc3"), default="legacy")
    cr_set.add_argument("--appid", default="", help="legacy profiles")
    cr_set.add_argument("--region", default="", help="tc3 profiles, e.g. ap-guangzhou")
    cr_set.add_argument("--secret-id", required=True)
    cr_set.add_argument("--secret-key", help="avoid: visible to other users; asked if missing")
    cr_set.add_argument("--bucket", default="")
    cr_set.add_argument("--endpoint")
    cr_set.add_argument("--calls-per-second", type=float, metavar="N",
                        help="the account's allowed call rate, if known")
    for name, text in (("show", "show a profile (the key masked)"), ("delete", "delete a profile")):
        p = cr_sub.add_parser(name, help=text)
        p.add_argument("--profile", help="profile name (default: 'default')")
    cr_sub.add_parser("list", help="list profiles")


def run(args: argparse.Namespace) -> int:
    from livedetect_gui.core.service import credentials as creds

    store = creds.CredentialStore()
    args.profile = getattr(args, "profile", None) or creds.DEFAULT_PROFILE
    if args.action == "list":
        names = store.profiles()
        print("\n".join(names) if names else "no profiles")
        return EXIT_OK
    if args.action == "set":
        secret = args.secret_key or _ask_secret()
        if not secret:
            raise UsageError("the secret key is empty")
        if args.calls_per_second is not None and args.calls_per_second <= 0:
            raise UsageError("--calls-per-second must be above 0")
        profile = creds.Credentials(args.appid, args.secret_id, secret, args.bucket,
                                    args.endpoint, api=creds.parse_api(args.api),
                                    region=args.region, calls_per_second=args.calls_per_second)
        try:
            profile.validate()
        except creds.BadCredentials as exc:
            raise UsageError(exc.message.text(language(getattr(args, "lang", None)))) from None
        store.save(profile, args.profile)
        print(f"saved profile {args.profile!r} in {store.backend_name()}")
        return EXIT_OK
    if args.action == "show":
        found = store.load(args.profile)
        if found is None:
            print(f"no profile named {args.profile!r}", file=sys.stderr)
            return EXIT_ERROR
        print(f"profile:    {args.profile}\nservice:    {found.api.value}"
              f"{f' ({found.region})' if found.region else ''}\nappid:      {found.appid}\n"
              f"secret id:  {found.secret_id}\nsecret key: {found.masked_key()}\n"
              f"bucket:     {found.bucket or '(none)'}\n"
              f"endpoint:   {found.endpoint or '(default)'}")
        return EXIT_OK
    existed = store.delete(args.profile)
    print(f"deleted profile {args.profile!r}" if existed else f"no profile named {args.profile!r}")
    return EXIT_OK


def _ask_secret() -> str:
    import getpass

    if sys.stdin.isatty():
        return getpass.getpass("secret key: ")
    return sys.stdin.readline().strip()
