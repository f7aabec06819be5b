"""``livedetect report``: the supervisor's report for a date range, as text, CSV or PDF."""

from __future__ import annotations

import argparse
import os
import sys

from livedetect_gui.cli.history_options import (
    add_history_argument,
    day,
    open_for_reading,
    operators,
)
from livedetect_gui.cli.output import language, write_file
from livedetect_gui.cli.status import EXIT_ERROR, EXIT_OK, SubParsers, UsageError


def add_parser(sub: SubParsers) -> None:
    rep = sub.add_parser("report", help="supervisor report for a date range",
                         description="Checks, verdicts, decisions, overrides, errors, photos held "
                         "or refused (never sent: neither checks nor errors), latency, "
                         "calls spent and saved, per day/week and operator; as text, PDF or CSV. "
                         "Simulated (sandbox) records are left out unless --simulated is given.")
    rep.add_argument("--from", dest="since", metavar="DATE",
                     help="first day (YYYY-MM-DD; default: the first of this month)")
    rep.add_argument("--to", dest="until", metavar="DATE",
                     help="last day, included (YYYY-MM-DD; default: today)")
    rep.add_argument("--operator", action="append", metavar="NAME",
                     help="only this operator (repeatable)")
    rep.add_argument("--by", choices=("day", "week"), default="day")
    rep.add_argument("--simulated", action="store_true", help="include simulated records")
    rep.add_argument("--threshold", type=float, metavar="N",
                     help="threshold line of the score histogram (default: the threshold most "
                     "checks in the range used)")
    rep.add_argument("--pdf", metavar="FILE.pdf", help="write the report as PDF")
    rep.add_argument("--csv", metavar="FILE.csv", help="write the report's tables as CSV")
    rep.add_argument("--lang", help="language: en or zh (default: from $LANG)")
    add_history_argument(rep)
    rep.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from datetime import date

    from livedetect_gui.core.trail.reports import ReportOptions, build_report, write_csv

    lang = language(args.lang)
    today = date.today()
    since = day(args.since or today.replace(day=1).isoformat())
    until = day(args.until or today.isoformat(), end=True)
    assert since is not None and until is not None
    if until <= since:
        raise UsageError("--to is before --from")
    history = open_for_reading(args.history)
    try:
        options = ReportOptions(since=since, until=until, operators=operators(args.operator),
                                include_simulated=args.simulated, by=args.by,
                                threshold=args.threshold)
        report = build_report(history, options)
    finally:
        history.close()
    print(report.as_text(lang))
    if args.csv and not write_file(args.csv, lambda path: write_csv(report, path, lang)):
        return EXIT_ERROR
    if args.pdf:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        try:
            from livedetect_gui.ui.audit.report_pdf import (
                write_pdf,  # Qt only when a PDF is asked for
            )
        except ImportError as exc:  # the command-line install has no Qt
            print(f"livedetect: --pdf needs the desk's Qt libraries ({exc.name or exc}): "
                  "install the gui extra (pip install 'livedetect-gui[gui]'), or use --csv",
                  file=sys.stderr)
            return EXIT_ERROR
        if not write_file(args.pdf, lambda path: write_pdf(report, path, lang)):
            return EXIT_ERROR
    for path in (args.csv, args.pdf):
        if path:
            print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK
