"""``livedetect worklist``: the checks that need a decision, oldest first, with the record ids
``livedetect decide`` takes.

Undecided checks, escalations and decisions awaiting a second operator's approval (never the
operator's own: $LIVEDETECT_OPERATOR), across restarts and, on a shared history, every desk.
Exit 0 (even when the list is empty).
"""

from __future__ import annotations

import argparse
import sys

from livedetect_gui.cli.history_options import add_history_argument, open_for_reading
from livedetect_gui.cli.output import language
from livedetect_gui.cli.status import EXIT_OK, SubParsers, UsageError


def add_parser(sub: SubParsers) -> None:
    parser = sub.add_parser("worklist", help="list the checks that need a decision",
                            description="Undecided, escalated and awaiting-approval checks, "
                            "oldest first, with the record id to give `livedetect decide`.")
    parser.add_argument("--json", action="store_true", help="one JSON document: counts and items")
    parser.add_argument("--limit", type=int, default=50, help="items listed (default 50)")
    parser.add_argument("--offset", type=int, default=0, help="items skipped first (paging)")
    live = parser.add_mutually_exclusive_group()
    live.add_argument("--simulated", dest="simulated", action="store_const", const=True,
                      help="only simulated (sandbox) checks")
    live.add_argument("--live", dest="simulated", action="store_const", const=False,
                      help="only checks by a live service")
    parser.add_argument("--lang", help="message language: en or zh (default: from the locale)")
    add_history_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.limit < 0 or args.offset < 0:
        raise UsageError("--limit and --offset must be 0 or more")
    import json

    from livedetect_gui.core.trail.history import current_operator
    from livedetect_gui.core.trail.worklist import Worklist, state_word
    from livedetect_gui.core.verdict import Verdict, verdict_word

    lang = language(args.lang)
    history = open_for_reading(args.history)
    try:
        worklist = Worklist(history)
        viewer = current_operator()
        counts = worklist.counts(viewer, args.simulated)
        items = worklist.page(args.offset, args.limit, viewer, simulated=args.simulated)
    finally:
        history.close()
    if args.json:
        print(json.dumps({
            "counts": {state.value: n for state, n in counts.items()},
            "items": [{"record_id": i.record_id, "check_id": i.check.id,
                       "state": i.state.value, "time": i.check.time_text,
                       "source": i.check.source, "verdict": i.check.verdict,
                       "score": i.check.score, "reference": i.check.reference,
                       "simulated": i.check.simulated, "maker": i.maker or None}
                      for i in items]}, ensure_ascii=False))
        return EXIT_OK
    summary = ", ".join(f"{state_word(state, lang)} {n}" for state, n in counts.items())
    print(summary, file=sys.stderr)
    for item in items:
        check = item.check
        score = "-" if check.score is None else f"{check.score:g}"
        known = check.verdict in {v.value for v in Verdict}
        word = verdict_word(Verdict(check.verdict), lang) if known else check.verdict
        extra = f"  [{check.reference}]" if check.reference else ""
        extra += f"  ({item.maker})" if item.maker and item.state.value != "undecided" else ""
        extra += " [simulated]" if check.simulated else ""
        print(f"{item.record_id}  {state_word(item.state, lang):<18} {check.time_text}  "
              f"{word:<6} {score:>6}  {check.source}{extra}")
    return EXIT_OK
