"""``livedetect history push`` and ``history password``: the local trail into a shared
PostgreSQL history, and that database's password in the keyring."""

from __future__ import annotations

import argparse
import os
import sys

from livedetect_gui.cli.history_options import history_location, open_for_reading
from livedetect_gui.cli.output import CountLine
from livedetect_gui.cli.status import EXIT_FAIL, EXIT_OK, SubParsers, UsageError

TYPE_CHECKING = False  # not typing's: importing typing costs every start a few milliseconds
if TYPE_CHECKING:
    from livedetect_gui.core.trail.location import HistoryUrl


def add_parsers(hist_sub: SubParsers) -> None:
    """The ``push`` and ``password`` actions of ``livedetect history``."""
    push = hist_sub.add_parser(
        "push", help="send this desk's local history into a shared store, once",
        description="Append every record of the local history (the user's, or --history FILE) "
        "to the shared PostgreSQL history URL (default $LIVEDETECT_HISTORY_URL), in order. "
        "Records already there are skipped, so running it again is harmless. A local trail "
        "that does not verify is refused.")
    push.add_argument("target", nargs="?", metavar="URL", help="postgresql://user@host:port/db")
    push.add_argument("--history", metavar="FILE", default=argparse.SUPPRESS,
                      help="the local history to send (default: user data)")
    password = hist_sub.add_parser(
        "password", help="keep a shared history's database password in the keyring",
        description="Ask for the password of URL's database user (not echoed; read from stdin "
        "when it is not a terminal) and keep it in the OS keyring. A URL never holds it.")
    password.add_argument("target", nargs="?", metavar="URL", help="postgresql://user@host/db")
    password.add_argument("--forget", action="store_true", help="remove the saved password")


def shared_target(given: str | None) -> HistoryUrl:
    """URL, else $LIVEDETECT_HISTORY_URL; it must name a shared (PostgreSQL) history."""
    from livedetect_gui.core.trail import location as history_url

    text = given or os.environ.get(history_url.ENV_HISTORY_URL)
    if not text:
        raise UsageError("name the shared history: postgresql://user@host:port/db (or set "
                         f"${history_url.ENV_HISTORY_URL})")
    try:
        target = history_url.parse(text)
    except history_url.BadHistoryUrl as exc:
        raise UsageError(str(exc)) from None
    if not target.shared:
        raise UsageError("the target must be a shared history: postgresql://user@host:port/db")
    return target


def run_password(args: argparse.Namespace) -> int:
    import getpass

    from livedetect_gui.core.trail import location as history_url

    target = shared_target(args.target)
    passwords = history_url.DatabasePasswords()
    if args.forget:
        passwords.forget(target)
        print(f"forgot the password of {target}")
        return EXIT_OK
    if sys.stdin.isatty():
        secret = getpass.getpass(f"password of {target.user or 'the user'} at {target}: ")
    else:
        secret = sys.stdin.readline().rstrip("\n")
    if not secret:
        raise UsageError("the password is empty")
    passwords.remember(target, secret)
    print(f"saved the password of {target} in {passwords.backend_name()}")
    return EXIT_OK


def run_push(args: argparse.Namespace, lang: str) -> int:
    from livedetect_gui.core.trail.history import default_path
    from livedetect_gui.core.trail.postgres_store import PostgresStore
    from livedetect_gui.core.trail.push import PushRefused, push

    target = shared_target(args.target)
    # The source is a local file: --history, else the user's own (never $LIVEDETECT_HISTORY_URL,
    # which may well name the target).
    source_file = getattr(args, "history", None) or str(default_path())
    if history_location(source_file).shared:
        raise UsageError("--history names the local history to send: a SQLite file")
    source = open_for_reading(source_file)
    store = PostgresStore(target, forward=False)
    progress = CountLine("records read") if sys.stderr.isatty() else None
    try:
        done = push(source, store, progress=progress)
    except PushRefused as exc:
        print(f"livedetect: not pushed: the local trail does not verify: "
              f"{exc.state.message(lang)}", file=sys.stderr)
        return EXIT_FAIL
    finally:
        if progress:
            progress.clear()
        source.close()
        store.close()
    print(f"pushed {done.sent} records to {target} ({done.already} were there already)")
    return EXIT_OK
