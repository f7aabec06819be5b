"""``livedetect history``: list, export or verify the audit trail; push and password are in
history_shared."""

from __future__ import annotations

import argparse
import sys

from livedetect_gui.cli import history_shared, history_trust
from livedetect_gui.cli.history_options import (
    HISTORY_HELP,
    add_filter_arguments,
    add_history_argument,
    history_query,
    open_for_reading,
)
from livedetect_gui.cli.output import language, moment, write_file
from livedetect_gui.cli.status import (
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_OK,
    Parser,
    SubParsers,
    UsageError,
)
from livedetect_gui.core.names import for_terminal


def add_parser(sub: SubParsers) -> None:
    hist = sub.add_parser("history", help="list, export or verify the audit trail",
                          description="Print recent records, export every matching record as "
                          "CSV, or verify the hash chain (`livedetect history verify`).")
    hist.set_defaults(run=run)
    hist_sub = hist.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    verify = hist_sub.add_parser("verify", help="check that no record was edited, inserted or "
                                 "deleted", description="Exit 0 and say 'N records, chain "
                                 "intact', or exit 1 naming the first record that does not match.")
    verify.add_argument("--history", metavar="URL", default=argparse.SUPPRESS,
                        help=HISTORY_HELP)
    verify.add_argument("--reanchor", action="store_true",
                        help="after a lost or unreadable anchor has been accounted for: anchor "
                        "the chain afresh, recorded in the trail as a re-anchoring by the "
                        "operator ($LIVEDETECT_OPERATOR); any other alteration stays reported")
    history_trust.add_verify_arguments(verify)
    history_shared.add_parsers(hist_sub)
    history_trust.add_parsers(hist_sub)
    hist.add_argument("--export", metavar="FILE.csv", help="write every matching record as CSV "
                      "('-' for stdout)")
    hist.add_argument("--limit", type=int, default=20, help="records listed (default 20)")
    add_filter_arguments(hist)
    add_history_argument(hist)


def run(args: argparse.Namespace) -> int:
    lang = language(None)
    if args.action == "password":
        return history_shared.run_password(args)
    if args.action == "push":
        return history_shared.run_push(args, lang)
    if args.action is None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    if args.action in history_trust.ACTIONS:
        return history_trust.ACTIONS[args.action](args, lang)
    if args.action == "verify":
        proven = history_trust.run_verify(args, lang)
        if proven is not None:
            return proven
    history = open_for_reading(args.history)
    try:
        if args.action == "verify":
            if getattr(args, "reanchor", False):
                done = history.reanchor()
                if done is not None:
                    print(f"re-anchored: recorded as record #{done.seq} "
                          f"({for_terminal(done.note)})", file=sys.stderr)
            state = history.verify()
            print(state.message(lang), file=sys.stdout if state.intact else sys.stderr)
            return EXIT_OK if state.intact else EXIT_FAIL
        query = history_query(args)
        # Listing or exporting an altered trail says so, on stderr and in the exit status.
        state = history.verify()
        if not state.intact:
            warning = ("警告：审计记录已被改动" if lang == "zh"
                       else "warning: the audit trail has been altered")
            print(f"livedetect: {warning}: {state.message(lang)}", file=sys.stderr)
        status = EXIT_OK if state.intact else EXIT_FAIL
        if args.export:
            if args.export == "-":
                count = history.export_csv(sys.stdout, query, lang, state=state)
            else:
                written: list[int] = []
                if not write_file(args.export, lambda path: written.append(
                        history.export_file(path, query, lang, state=state))):
                    return EXIT_ERROR
                count = written[0]
            print(f"exported {count} records", file=sys.stderr)
            return status
        for record in history.page(query, 0, max(0, args.limit)):
            score = "-" if record.score is None else f"{record.score:g}"
            what = record.verdict if record.kind == "check" else f"{record.kind}:{record.decision}"
            tag = " [simulated]" if record.simulated else ""
            if record.reused_from is not None:
                tag += f" [reused from {moment(record.reused_from)}]"
            if record.db_role:  # a shared store: who logged in, as the server recorded it
                tag += f" [db:{for_terminal(record.db_role)}]"
            note = record.message(lang) if record.verdict == "error" else ""
            print(f"{record.time_text}  {what:<16} {score:>5}  "
                  f"{for_terminal(record.operator or '-'):<10} "
                  f"{for_terminal(record.source)}{tag}  {for_terminal(note)}".rstrip())
        return status
    finally:
        history.close()
