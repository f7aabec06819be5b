"""``livedetect check``: prepare each photo to the service's limits, check it, print the verdict.

Exit status: 0 every item passed, 1 at least one fail and no errors, 2 at least one item could
not be checked, 130 interrupted, 64 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys

from livedetect_gui.cli.check_output import InOrder, Progress, confirm, human_line
from livedetect_gui.cli.history_options import HISTORY_HELP, history_location
from livedetect_gui.cli.output import language
from livedetect_gui.cli.status import (
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    SubParsers,
    UsageError,
)
from livedetect_gui.core import defaults
from livedetect_gui.core.names import for_terminal
from livedetect_gui.core.trail.reasons import DEFAULT_REASONS
from livedetect_gui.core.verdict import default_threshold

TYPE_CHECKING = False  # not typing's: importing typing costs every start a few milliseconds
if TYPE_CHECKING:
    from collections.abc import Callable

    from livedetect_gui.core.checks.batch import BatchStop
    from livedetect_gui.core.checks.session import Session
    from livedetect_gui.core.result import CheckResult
    from livedetect_gui.core.service import connection
    from livedetect_gui.core.trail.history import Recorder

# The parser names no constant from the heavy modules (requests, Pillow, the keyring are not
# imported to print --help): its defaults are core/defaults.py's, which imports nothing.


def add_parser(sub: SubParsers) -> None:
    check = sub.add_parser("check", help="check photos (files, folders, URLs)",
                           description="Prepare each photo to fit the service's limits, send it, "
                           "and print the verdict. Folders are searched for images.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="image files or folders")
    check.add_argument("--url", action="append", default=[], metavar="URL",
                       help="an image URL for the service to fetch (repeatable)")
    check.add_argument("--api", choices=("legacy", "tc3"),
                       help="service generation: legacy (/face/livedetectpicture) or tc3 (API 3.0 "
                       "DetectLiveFaceAccurate) (default: $LIVEDETECT_API, the profile's, legacy)")
    check.add_argument("--region", help="API 3.0 region, e.g. ap-guangzhou (default: "
                       "$LIVEDETECT_REGION or the profile's)")
    check.add_argument("--endpoint", help="legacy: 'current', 'old' or a base URL (default "
                       "'current'); tc3: 'default', 'intl' or a base URL (default 'default')")
    check.add_argument("--threshold", type=float, default=None,
                       help="pass when the score is above this (default: "
                       f"{default_threshold('legacy'):g} legacy, {default_threshold('tc3'):g} tc3)")
    check.add_argument("--concurrency", type=int, default=defaults.CONCURRENCY,
                       help="parallel checks (default %(default)s)")
    check.add_argument("--json", action="store_true", help="one JSON object per line")
    check.add_argument("--profile", help="credentials profile in the keyring")
    check.add_argument("--sandbox", action="store_true",
                       help="run against an in-process sandbox (simulated scores)")
    check.add_argument("--ca-bundle", help="CA bundle file for TLS (e.g. a corporate proxy's)")
    check.add_argument("--proxy", help="proxy URL for http and https")
    check.add_argument("--timeout", type=float, default=defaults.READ_TIMEOUT,
                       help="read timeout in seconds (default %(default)g)")
    check.add_argument("--deadline", type=float, default=defaults.CHECK_DEADLINE,
                       help="most seconds one check may take, retries included "
                       "(default %(default)g)")
    check.add_argument("--max-long-side", type=int, default=defaults.MAX_LONG_SIDE)
    check.add_argument("--max-short-side", type=int, default=defaults.MAX_SHORT_SIDE)
    check.add_argument("--history", metavar="URL", help=HISTORY_HELP)
    check.add_argument("--no-history", action="store_true", help="do not record these checks")
    check.add_argument("--lang", help="message language: en or zh (default: from the locale, "
                       "LC_ALL or LANG)")
    check.add_argument("--recheck", action="store_true",
                       help="send every photo again, even one judged before (billed)")
    check.add_argument("--reuse-days", type=float, default=defaults.REUSE_WINDOW_DAYS,
                       metavar="DAYS",
                       help="reuse a judgement of the same photo made within DAYS "
                       "(default %(default)g; 0: never)")
    check.add_argument("--force", action="store_true",
                       help="send photos the pre-checks hold (too small, dark, blurred, no face, "
                       "several faces)")
    check.add_argument("--reason", metavar="KEY",
                       help="with --force: why the held photos are sent anyway, a reason key "
                       f"as for `livedetect decide` ({', '.join(r.key for r in DEFAULT_REASONS)})")
    check.add_argument("--note", default="", metavar="TEXT",
                       help="with --force: a free note on why the held photos are sent anyway")
    check.add_argument("--case", default="", metavar="REF",
                       help="case/applicant reference the checks are recorded under")
    check.add_argument("--yes", action="store_true",
                       help="do not ask before a large batch (the cost line is still printed)")
    check.add_argument("--confirm-over", type=int, default=defaults.CONFIRM_OVER, metavar="N",
                       help="print the cost line, and ask on a terminal, before a batch of more "
                       "than N photos (default %(default)s)")
    check.add_argument("--rate", type=float, metavar="CALLS_PER_S",
                       help="the account's allowed calls per second (default: the profile's, "
                       "else learned from the service's throttling)")
    check.set_defaults(run=run)


def _validate(args: argparse.Namespace) -> None:
    if args.concurrency < 1 or args.concurrency > 64:
        raise UsageError("--concurrency must be between 1 and 64")
    if args.threshold is not None and not 0 <= args.threshold <= 100:
        raise UsageError("--threshold must be between 0 and 100")
    if args.max_long_side < 16 or args.max_short_side < 16:
        raise UsageError("--max-long-side and --max-short-side must be at least 16")
    if args.reuse_days < 0 or args.confirm_over < 0 or (args.rate is not None and args.rate <= 0):
        raise UsageError("--reuse-days and --confirm-over must be 0 or more, --rate above 0")
    if not args.paths and not args.url:
        raise UsageError("nothing to check: give image files, folders or --url")
    if (args.reason or args.note.strip()) and not args.force:
        raise UsageError("--reason and --note say why held photos are sent anyway: use them "
                         "with --force")


def run(args: argparse.Namespace) -> int:
    from livedetect_gui.core.imaging.prepare import tune_allocator

    tune_allocator()  # this process decodes photos
    _validate(args)
    import json
    from collections import Counter
    from dataclasses import replace

    from livedetect_gui.core.checks.batch import Batch, BatchStop, StopReason
    from livedetect_gui.core.checks.planning import Source, collect, estimate, plan_batch
    from livedetect_gui.core.imaging.prepare import Limits
    from livedetect_gui.core.messages import text as message
    from livedetect_gui.core.service import connection
    from livedetect_gui.core.service.client import precheck_policy
    from livedetect_gui.core.trail.cases import case_reference
    from livedetect_gui.core.verdict import Verdict
    from livedetect_gui.sandbox.server import Sandbox

    lang = language(args.lang)
    reason = _override_reason(args.reason, lang)
    sources, skipped = collect(args.paths)
    sources += [Source.remote(u) for u in args.url]
    for note in skipped:
        print(for_terminal(note), file=sys.stderr)
    if not sources:
        raise UsageError("no images found in the given paths")

    if args.timeout <= 0 or args.deadline <= 0:
        raise UsageError("--timeout and --deadline must be more than 0 seconds")
    sandbox: Sandbox | None = None
    if args.sandbox:
        sandbox = Sandbox().start()
        try:
            chosen = connection.sandbox(sandbox.account, sandbox.url, api=args.api,
                                        region=args.region)
        except connection.ConnectionProblem as exc:
            sandbox.stop()
            raise UsageError(exc.message.text(lang)) from None
        print(message("sandbox_notice", lang), file=sys.stderr)
    else:
        chosen = _connect(args, lang)
    limits = Limits(max_long_side=args.max_long_side, max_short_side=args.max_short_side)
    try:
        session, history = _set_up(chosen, args, lang)
    except UsageError:
        if sandbox:
            sandbox.stop()
        raise
    client = session.client
    threshold = client.default_threshold() if args.threshold is None else args.threshold
    judged = history.history if history is not None else None  # None: the history is broken
    options = session.options(None if args.recheck else judged, args.reuse_days,
                              prechecks=precheck_policy(client.api), force=args.force)
    options = replace(options, recheck=args.recheck, reason=reason, note=args.note.strip())
    stop = BatchStop()
    restore = _interrupt_handlers(stop)
    try:
        items: list = list(sources)
        if len(sources) > args.confirm_over:
            plans = plan_batch(sources, client.preparation_limits(limits), threshold,
                               client.url, options, stop=stop.event)
            items = plans
            if not stop.stopped:
                print(estimate(plans).line(lang), file=sys.stderr, flush=True)
            if not args.yes and not stop.stopped and sys.stdin.isatty() and sys.stderr.isatty():
                restore()  # at the prompt, Ctrl+C simply quits: nothing has been sent
                if not confirm(lang):
                    print(f"livedetect: {message('nothing_sent', lang)}", file=sys.stderr)
                    return EXIT_OK
                restore = _interrupt_handlers(stop)
        progress = Progress(len(sources)) if sys.stderr.isatty() else None

        def show(result: CheckResult) -> None:
            if progress:
                progress.clear()
            try:
                if args.json:
                    print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
                else:
                    print(human_line(result, lang), flush=True)
            except BrokenPipeError:
                # Nobody reads the results any more: send nothing else (it is billed).
                stop.stop(StopReason.INTERRUPTED)
                raise

        in_order = InOrder(show)

        def report(index: int, result: CheckResult) -> None:
            in_order.add(index, result)
            if progress:
                progress.add(result)

        try:
            batch = Batch(client, limits, threshold, options, stop=stop, trail=history)
            results = batch.run(items, concurrency=args.concurrency, on_result=report,
                                reference=case_reference(args.case))
            in_order.finish(results)
        finally:
            if progress:
                progress.clear()
    finally:
        restore()
        client.close()
        if history:
            history.close()
        if sandbox:
            sandbox.stop()
    counts = Counter(r.verdict for r in results)
    # Held and refused photos were never sent: counted apart, never as checked or as errors.
    held, refused = sum(r.held for r in results), sum(r.refused for r in results)
    lines = []
    if not args.json or stop.reason is not None:
        lines.append(message("summary", lang, total=len(results) - held - refused,
                             passed=counts[Verdict.PASS], failed=counts[Verdict.FAIL],
                             errors=counts[Verdict.ERROR] - held - refused)
                     + " " + message("summary_saved", lang,
                                     reused=sum(r.reused_from is not None for r in results),
                                     held=held, refused=refused))
    if stop.reason is StopReason.CREDENTIALS:
        lines.append(message("stopped_credentials", lang))
    elif stop.reason is StopReason.INTERRUPTED:
        lines.append(message("stopped_interrupted", lang))
    if lines:
        print("\n".join(lines), file=sys.stderr)
    if stop.reason is StopReason.INTERRUPTED:
        return EXIT_INTERRUPTED
    unrecorded = history.summary(lang) if history else ""
    if unrecorded:
        print(f"livedetect: {unrecorded}", file=sys.stderr)
    if counts[Verdict.ERROR] or (history is not None and history.lost):
        return EXIT_ERROR
    return EXIT_FAIL if counts[Verdict.FAIL] else EXIT_OK


def _override_reason(reason: str | None, lang: str) -> str | None:
    """--reason by the rule of a decision's reason (a configured key), checked before anything
    is sent."""
    from livedetect_gui.core.trail.chain import DecisionError
    from livedetect_gui.core.trail.decision_rules import checked_reason

    try:
        return checked_reason(reason or None)
    except DecisionError as exc:
        raise UsageError(exc.message(lang)) from None


def _connect(args: argparse.Namespace, lang: str) -> connection.Connection:
    """The core's connection policy, the same the desk uses."""
    from livedetect_gui.core.messages import text as message
    from livedetect_gui.core.service import connection
    from livedetect_gui.core.service import credentials as creds

    try:
        found = connection.resolve(store=creds.CredentialStore(), profile=args.profile,
                                   profile_required=bool(args.profile), endpoint=args.endpoint,
                                   api=args.api, region=args.region, default_endpoint=None)
    except connection.ConnectionProblem as exc:
        raise UsageError(exc.message.text(lang)) from None
    if found is None:
        raise UsageError(message("no_credentials", lang))
    return found


def _set_up(chosen: connection.Connection, args: argparse.Namespace,
            lang: str) -> tuple[Session, Recorder | None]:
    """The session (client with its account's pacer, the reuse rule: the core's
    ``open_session``, as the desk's) and the history recorder for this run."""
    from livedetect_gui.core.checks.session import open_session
    from livedetect_gui.core.service.client import BadEndpoint, BadSetting, ClientConfig

    config = ClientConfig(
        verify=args.ca_bundle or True,
        proxy=args.proxy,
        read_timeout=args.timeout,
        attempt_deadline=min(args.deadline, ClientConfig.attempt_deadline),
        check_deadline=args.deadline,
        concurrency=args.concurrency,
        language=lang,
    )
    try:
        session = open_session(chosen, config, rate=args.rate)
    except BadSetting as exc:
        prefix = "bad endpoint: " if isinstance(exc, BadEndpoint) else ""
        raise UsageError(f"{prefix}{exc}") from None
    try:
        history = None if args.no_history else _open_history(args.history, lang)
    except BaseException:  # e.g. a --history that is no history URL: a usage error
        session.close()
        raise
    return session, history


def _open_history(given: str | None, lang: str) -> Recorder:
    """A broken history never stops the checks: one message, and the rows go to the spool."""
    from livedetect_gui.core.trail.history import Recorder

    recorder = Recorder(history_location(given))
    if recorder.error is not None:
        print(f"livedetect: {recorder.error.message(lang)}", file=sys.stderr)
    return recorder


def _interrupt_handlers(stop: BatchStop) -> Callable[[], None]:
    """Ctrl+C / SIGTERM (Ctrl+Break on Windows): the first stops sending (calls in flight
    finish and are recorded), a second exits at once. Returns what puts the previous handlers
    back."""
    import signal

    from livedetect_gui.cli.console import STOP_SIGNALS
    from livedetect_gui.core.checks.batch import StopReason

    def handle(signum: int, _frame: object) -> None:
        if not stop.stop(StopReason.INTERRUPTED):
            os.write(2, b"\nlivedetect: interrupted again, exiting now\n")
            os._exit(EXIT_INTERRUPTED)
        os.write(2, b"\nlivedetect: stopping: nothing new is sent, waiting for the calls in "
                    b"flight (Ctrl+C again to quit at once)\n")

    saved = {signum: signal.signal(signum, handle) for signum in STOP_SIGNALS}

    def restore() -> None:
        for signum, previous in saved.items():
            signal.signal(signum, previous)

    return restore
