"""What the commands that read or write the audit trail share: the --history option, the record
filters, and opening the trail."""

from __future__ import annotations

import argparse

from livedetect_gui.cli.status import UsageError

TYPE_CHECKING = False  # not typing's: importing typing costs every start a few milliseconds
if TYPE_CHECKING:
    from livedetect_gui.core.trail.history import History, Query
    from livedetect_gui.core.trail.location import HistoryUrl

# Spelled out, not read from core.trail.location: the parser is built on every start.
HISTORY_HELP = ("history: a SQLite file, sqlite:///path or postgresql://user@host:port/db "
                "(default: $LIVEDETECT_HISTORY_URL, else the user's own file)")


def add_history_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--history", metavar="URL", help=HISTORY_HELP)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="since", metavar="DATE", help="from this day (YYYY-MM-DD)")
    parser.add_argument("--to", dest="until", metavar="DATE", help="to this day, included")
    parser.add_argument("--verdict", action="append", choices=("pass", "fail", "error"))
    parser.add_argument("--operator", action="append", metavar="NAME")
    parser.add_argument("--kind", action="append",
                        choices=("check", "decision", "cut", "reanchor"))
    parser.add_argument("--state", choices=("undecided", "held"),
                        help="undecided: judged checks with no decision yet (the worklist's "
                        "rule); held: photos held by the pre-checks and not sent")
    live = parser.add_mutually_exclusive_group()
    live.add_argument("--simulated", dest="simulated", action="store_const", const=True,
                      help="only simulated (sandbox) records")
    live.add_argument("--live", dest="simulated", action="store_const", const=False,
                      help="only records from a live service")


def day(text: str | None, end: bool = False) -> float | None:
    """A YYYY-MM-DD day as local time; ``end`` gives the start of the next day."""
    if text is None:
        return None
    from datetime import date, datetime, time, timedelta

    try:
        when = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if end:
        when += timedelta(days=1)
    return datetime.combine(when, time.min).timestamp()


def history_query(args: argparse.Namespace) -> Query:
    from livedetect_gui.core.trail.history import Query

    return Query(since=day(args.since), until=day(args.until, end=True), verdicts=args.verdict,
                 operators=operators(args.operator), kinds=args.kind,
                 simulated=args.simulated, state=args.state)


def operators(given: list[str] | None) -> list[str] | None:
    """--operator as recorded (NFC, no bidi controls): "José" typed either way is one."""
    from livedetect_gui.core.names import operator_name

    return [operator_name(name) for name in given] if given else None


def history_location(given: str | None) -> HistoryUrl:
    """``--history``, else $LIVEDETECT_HISTORY_URL, else the user's own SQLite file."""
    from livedetect_gui.core.trail import location as history_url

    try:
        return history_url.resolve(given)
    except history_url.BadHistoryUrl as exc:
        raise UsageError(str(exc)) from None


def open_for_reading(given: str | None) -> History:
    """The history for a reading command; a damaged or missing file is one clear message."""
    from livedetect_gui.core.trail.history import HistoryError, open_history

    location = history_location(given)
    if given is not None and location.path is not None and not location.path.exists():
        raise HistoryError("unreadable", str(location.path), "no such file")
    return open_history(location)
