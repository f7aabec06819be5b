"""``livedetect decide``: record an operator's decision on checks, approve or refuse another
operator's pending decision, or withdraw one's own last decision.

Exit 0 recorded; 1 when the core refuses (a reason missing, one's own approval, an unknown
id, nothing to withdraw), with its message in English or Chinese; 64 usage error.

A trail that does not verify is warned about, not refused: the records written now chain
onto the head as it is, so they verify from there on, and ``history verify`` keeps naming the
first altered record; refusing would stop every decision (at every desk of a shared history)
until the alteration is investigated, and the decisions would then be kept nowhere.
"""

from __future__ import annotations

import argparse
import os
import sys

from livedetect_gui.cli.history_options import add_history_argument, history_location
from livedetect_gui.cli.output import language
from livedetect_gui.cli.status import EXIT_FAIL, EXIT_OK, SubParsers, UsageError
from livedetect_gui.core.trail.reasons import DEFAULT_REASONS

ENV_FOUR_EYES = "LIVEDETECT_FOUR_EYES"


def add_parser(sub: SubParsers) -> None:
    parser = sub.add_parser(
        "decide", help="record a decision on checks (accept, reject, escalate, approve...)",
        description="Decide on one or more checks (the record ids `livedetect worklist` "
        "lists): one record each. --approve/--refuse act on a decision awaiting a second "
        "operator; --withdraw undoes your last decision (on RECORD_ID, or your newest). "
        f"The operator is $LIVEDETECT_OPERATOR; four eyes is on with ${ENV_FOUR_EYES}=1.")
    parser.add_argument("record_ids", nargs="*", metavar="RECORD_ID")
    action = parser.add_mutually_exclusive_group(required=True)
    for name, help_text in (("accept", "accept the photo"), ("reject", "reject the photo"),
                            ("escalate", "pass it to a supervisor"),
                            ("approve", "approve a decision awaiting approval (four eyes)"),
                            ("refuse", "refuse a decision awaiting approval: the check is "
                             "open again"),
                            ("withdraw", "withdraw your last decision")):
        action.add_argument(f"--{name}", dest="action", action="store_const", const=name,
                            help=help_text)
    parser.add_argument("--reason", metavar="KEY", help="reason key (needed against the "
                        "machine's verdict): "
                        f"{', '.join(reason.key for reason in DEFAULT_REASONS)}")
    parser.add_argument("--note", default="", metavar="TEXT", help="a free note")
    parser.add_argument("--case", default="", metavar="REF", help="case/applicant reference")
    parser.add_argument("--four-eyes", action="store_true", default=None,
                        help=f"decisions against the verdict and escalations wait for a second "
                        f"operator (default: ${ENV_FOUR_EYES})")
    parser.add_argument("--lang", help="message language: en or zh (default: from the locale)")
    add_history_argument(parser)
    parser.set_defaults(run=run)


def four_eyes(args: argparse.Namespace) -> bool:
    if args.four_eyes is not None:
        return bool(args.four_eyes)
    return os.environ.get(ENV_FOUR_EYES, "").strip().lower() in ("1", "yes", "true", "on")


def run(args: argparse.Namespace) -> int:
    ids = list(args.record_ids)
    if args.action != "withdraw" and not ids:
        raise UsageError("name the record id(s) to decide on (see `livedetect worklist`)")
    if args.action in ("approve", "refuse", "withdraw") and len(ids) > 1:
        raise UsageError(f"--{args.action} takes one record id")
    from livedetect_gui.core.trail.chain import DecisionError
    from livedetect_gui.core.trail.history import HistoryError, open_history
    from livedetect_gui.core.trail.review import Review, ReviewPolicy

    lang = language(args.lang)
    history = open_history(history_location(args.history))
    try:
        if history.read_only:
            raise HistoryError("read_only", history.store.location)
        state = history.verify()
        if not state.intact:
            warning = ("警告：审计记录未通过校验，决定仍会记录" if lang == "zh"
                       else "warning: the audit trail does not verify; the decision is "
                       "recorded all the same")
            print(f"livedetect: {warning}: {state.message(lang)}", file=sys.stderr)
        review = Review(history, ReviewPolicy(four_eyes=four_eyes(args)))
        try:
            if args.action == "approve":
                records = [review.approve(ids[0], args.note)]
            elif args.action == "refuse":
                records = [review.refuse(ids[0], args.note, args.reason)]
            elif args.action == "withdraw":
                records = [review.withdraw(ids[0] if ids else None)]
            else:
                records = review.decide_many(ids, args.action, args.reason, args.note,
                                             args.case)
        except DecisionError as exc:
            print(f"livedetect: {exc.message(lang)}", file=sys.stderr)
            return EXIT_FAIL
    finally:
        history.close()
    for record in records:
        pending = "  (awaiting approval)" if record.problem_key == "awaiting_approval" else ""
        print(f"{record.id}  {record.kind}:{record.decision or ''}  {record.source}{pending}")
    return EXIT_OK
