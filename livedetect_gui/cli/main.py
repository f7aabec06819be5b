"""``livedetect``: check photos, sign, prepare, run the sandbox, manage credentials and history.

Exit status of ``check``: 0 every item passed, 1 at least one fail and no errors, 2 at least one
item could not be checked, 64 usage error. A user error never prints a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from livedetect_gui import __version__
from livedetect_gui.cli.console import STOP_SIGNALS, use_utf8
from livedetect_gui.core.verdict import default_threshold

# Not typing.TYPE_CHECKING: importing typing alone costs a few milliseconds of every start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from livedetect_gui.core.checks.batch import BatchStop
    from livedetect_gui.core.result import CheckResult
    from livedetect_gui.core.service import connection
    from livedetect_gui.core.trail.history import History, Query, Recorder
    from livedetect_gui.core.trail.location import HistoryUrl

# Every command imports what it needs when it runs: `livedetect --version` must not pay for
# requests, Pillow and the keyring (issue 12: start-up within 3x a bare interpreter). So the
# parser names no constant from the heavy modules: defaults that need one are filled in later.

EXIT_OK, EXIT_FAIL, EXIT_ERROR, EXIT_USAGE = 0, 1, 2, 64
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141  # as a shell reports a writer stopped by SIGPIPE


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code is 2; ours is 64
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _lang(value: str | None) -> str:
    """--lang, else the locale's message language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    if value:
        return "zh" if value.lower().startswith("zh") else "en"
    from livedetect_gui.core.messages import environment_language

    return environment_language()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="livedetect", description="LiveDetect Desk command line: check face "
                     "photos with the static-photo liveness service (or the local sandbox).")
    parser.add_argument("--version", action="version", version=f"livedetect {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each attempt to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

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
    check.add_argument("--concurrency", type=int, default=4, help="parallel checks (default 4)")
    check.add_argument("--json", action="store_true", help="one JSON object per line")
    check.add_argument("--profile", help="credentials profile in the keyring")
    check.add_argument("--sandbox", action="store_true",
                       help="run against an in-process sandbox (simulated scores)")
    check.add_argument("--ca-bundle", help="CA bundle file for TLS (e.g. a corporate proxy's)")
    check.add_argument("--proxy", help="proxy URL for http and https")
    check.add_argument("--timeout", type=float, default=30.0, help="read timeout in seconds")
    check.add_argument("--deadline", type=float, default=120.0,
                       help="most seconds one check may take, retries included (default 120)")
    check.add_argument("--max-long-side", type=int, default=1280)
    check.add_argument("--max-short-side", type=int, default=720)
    check.add_argument("--history", metavar="URL", help=_HISTORY_HELP)
    check.add_argument("--no-history", action="store_true", help="do not record these checks")
    check.add_argument("--lang", help="message language: en or zh (default: from the locale, "
                       "LC_ALL or LANG)")
    check.add_argument("--recheck", action="store_true",
                       help="send every photo again, even one judged before (billed)")
    check.add_argument("--reuse-days", type=float, default=30.0, metavar="DAYS",
                       help="reuse a judgement of the same photo made within DAYS "
                       "(default %(default)g; 0: never)")
    check.add_argument("--force", action="store_true",
                       help="send photos the pre-checks hold (too small, dark, blurred, no face, "
                       "several faces)")
    check.add_argument("--yes", action="store_true",
                       help="do not ask before a large batch (the cost line is still printed)")
    check.add_argument("--confirm-over", type=int, default=20, metavar="N",
                       help="print the cost line, and ask on a terminal, before a batch of more "
                       "than N photos (default %(default)s)")
    check.add_argument("--rate", type=float, metavar="CALLS_PER_S",
                       help="the account's allowed calls per second (default: the profile's, "
                       "else learned from the service's throttling)")

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

    prep = sub.add_parser("prepare", help="write the prepared image that would be sent",
                          description="Orient, convert, resize and compress PATH as a check "
                          "would, write it to OUT and say what was done. Nothing is sent.")
    prep.add_argument("path", metavar="PATH")
    prep.add_argument("-o", "--output", required=True, metavar="OUT.jpg")
    prep.add_argument("--max-long-side", type=int, default=1280)
    prep.add_argument("--max-short-side", type=int, default=720)

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

    cr = sub.add_parser("credentials", help="manage credential profiles in the OS keyring",
                        description="Profiles live in the OS keyring, never in a file.")
    cr_sub = cr.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser,
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

    hist = sub.add_parser("history", help="list, export or verify the audit trail",
                          description="Print recent records, export every matching record as "
                          "CSV, or verify the hash chain (`livedetect history verify`).")
    hist_sub = hist.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    verify = hist_sub.add_parser("verify", help="check that no record was edited, inserted or "
                                 "deleted", description="Exit 0 and say 'N records, chain "
                                 "intact', or exit 1 naming the first record that does not match.")
    verify.add_argument("--history", metavar="URL", default=argparse.SUPPRESS,
                        help=_HISTORY_HELP)
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
    hist.add_argument("--export", metavar="FILE.csv", help="write every matching record as CSV "
                      "('-' for stdout)")
    hist.add_argument("--limit", type=int, default=20, help="records listed (default 20)")
    _filter_arguments(hist)
    _history_argument(hist)

    rep = sub.add_parser("report", help="supervisor report for a date range",
                         description="Checks, verdicts, decisions, overrides, errors, latency, "
                         "calls spent and saved, per day/week and operator; as text, PDF or CSV. "
                         "Simulated (sandbox) records are left out unless --simulated is given.")
    rep.add_argument("--from", dest="since", required=True, metavar="DATE",
                     help="first day (YYYY-MM-DD)")
    rep.add_argument("--to", dest="until", required=True, metavar="DATE",
                     help="last day, included (YYYY-MM-DD)")
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
    _history_argument(rep)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    use_utf8()
    try:
        return _main(argv)
    except BrokenPipeError:
        import contextlib

        # The reader went away (`livedetect history | head`): not an error worth a traceback.
        # stdout is pointed at /dev/null so the interpreter's last flush stays quiet too.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # --version and --help end here, before the heavy imports
    import logging

    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command in ("check", "prepare", "sandbox"):  # the commands that decode photos
        from livedetect_gui.core.imaging.prepare import tune_allocator

        tune_allocator()
    handler = {"check": cmd_check, "sign": cmd_sign, "prepare": cmd_prepare,
               "sandbox": cmd_sandbox, "credentials": cmd_credentials,
               "history": cmd_history, "report": cmd_report}[args.command]
    try:
        return handler(args)
    except UsageError as exc:
        print(f"livedetect: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        raise
    except Exception as exc:
        # Imported here, not for every command: whoever raised these has imported them.
        from livedetect_gui.core.service.credentials import BadCredentials, KeyringUnavailable
        from livedetect_gui.core.trail.history import HistoryError

        if isinstance(exc, BadCredentials):  # e.g. LIVEDETECT_API naming no generation
            print(f"livedetect: {exc.message.text(_lang(getattr(args, 'lang', None)))}",
                  file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, KeyringUnavailable):
            print(f"livedetect: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if isinstance(exc, HistoryError):  # a damaged, locked or unreadable history
            print(f"livedetect: {exc.message(_lang(getattr(args, 'lang', None)))}",
                  file=sys.stderr)
            return EXIT_ERROR
        raise
    except KeyboardInterrupt:
        print("livedetect: interrupted", file=sys.stderr)
        return 130


# -- check ---------------------------------------------------------------------------------------


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


def cmd_check(args: argparse.Namespace) -> int:
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
    import json
    from collections import Counter

    from livedetect_gui.core.checks.batch import (
        BatchStop,
        CheckOptions,
        Source,
        StopReason,
        collect,
        estimate,
        plan_batch,
        run_batch,
    )
    from livedetect_gui.core.checks.reuse import Reuse
    from livedetect_gui.core.imaging.prechecks import PrecheckPolicy
    from livedetect_gui.core.imaging.prepare import Limits
    from livedetect_gui.core.messages import text as message
    from livedetect_gui.core.service import connection
    from livedetect_gui.core.service.client import (
        BadEndpoint,
        BadSetting,
        ClientConfig,
        LiveDetectClient,
    )
    from livedetect_gui.core.service.pacing import pacer_for
    from livedetect_gui.core.verdict import Verdict
    from livedetect_gui.sandbox.server import Sandbox

    lang = _lang(args.lang)
    sources, skipped = collect(args.paths)
    sources += [Source.remote(u) for u in args.url]
    for note in skipped:
        print(note, file=sys.stderr)
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
    credentials = chosen.credentials
    config = chosen.configure(ClientConfig(
        verify=args.ca_bundle or True,
        proxy=args.proxy,
        read_timeout=args.timeout,
        attempt_deadline=min(args.deadline, ClientConfig.attempt_deadline),
        check_deadline=args.deadline,
        concurrency=args.concurrency,
        language=lang,
    ))
    limits = Limits(max_long_side=args.max_long_side, max_short_side=args.max_short_side)
    try:
        client = LiveDetectClient(credentials, config)
    except BadSetting as exc:
        if sandbox:
            sandbox.stop()
        prefix = "bad endpoint: " if isinstance(exc, BadEndpoint) else ""
        raise UsageError(f"{prefix}{exc}") from None
    # Issue 12: one pacer per account, learning the limit unless told it.
    client.pacer = pacer_for(client.url, credentials.appid or credentials.secret_id,
                             args.rate or credentials.calls_per_second)
    threshold = client.default_threshold() if args.threshold is None else args.threshold
    history = None if args.no_history else _open_history(args.history, lang)
    judged = history.history if history is not None else None  # None: the history is broken
    reuse = (Reuse(judged, args.reuse_days, simulated=args.sandbox, endpoint=client.url)
             if judged is not None and not args.recheck and args.reuse_days > 0 else None)
    options = CheckOptions(reuse=reuse, prechecks=PrecheckPolicy(), force=args.force,
                           simulated=args.sandbox)
    stop = BatchStop()
    restore = _interrupt_handlers(stop)
    try:
        items: list = list(sources)
        if len(sources) > args.confirm_over:
            plans = plan_batch(sources, client.preparation_limits(limits), threshold,
                               client.url, options, stop=stop)
            items = plans
            if not stop.stopped:
                print(estimate(plans).line(lang), file=sys.stderr, flush=True)
            if not args.yes and not stop.stopped and sys.stdin.isatty() and sys.stderr.isatty():
                restore()  # at the prompt, Ctrl+C simply quits: nothing has been sent
                if not _confirm(lang):
                    print(f"livedetect: {message('nothing_sent', lang)}", file=sys.stderr)
                    return EXIT_OK
                restore = _interrupt_handlers(stop)
        progress = _Progress(len(sources)) if sys.stderr.isatty() else None

        def report(_index: int, result: CheckResult) -> None:
            if progress:
                progress.clear()
            try:
                if args.json:
                    print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
                else:
                    print(_human_line(result, lang), flush=True)
            except BrokenPipeError:
                # Nobody reads the results any more: send nothing else (it is billed).
                stop.stop(StopReason.INTERRUPTED)
                raise
            if progress:
                progress.add(result)

        try:
            results = run_batch(items, client, limits, threshold,
                                concurrency=args.concurrency, history=history,
                                on_result=report, stop=stop, options=options)
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
    lines = []
    if not args.json or stop.reason is not None:
        lines.append(message("summary", lang, total=len(results), passed=counts[Verdict.PASS],
                             failed=counts[Verdict.FAIL], errors=counts[Verdict.ERROR])
                     + " " + message("summary_saved", lang,
                                     reused=sum(r.reused_from is not None for r in results),
                                     held=sum(r.held for r in results)))
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


def _history_location(given: str | None) -> HistoryUrl:
    """``--history``, else $LIVEDETECT_HISTORY_URL, else the user's own SQLite file."""
    from livedetect_gui.core.trail import location as history_url

    try:
        return history_url.resolve(given)
    except history_url.BadHistoryUrl as exc:
        raise UsageError(str(exc)) from None


def _interrupt_handlers(stop: BatchStop) -> Callable[[], None]:
    """Ctrl+C / SIGTERM: the first stops sending (calls in flight finish and are recorded), a
    second exits at once. Returns what puts the previous handlers back."""
    import signal

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


def _confirm(lang: str) -> bool:
    from livedetect_gui.core.messages import text as message

    # On stderr, not input()'s stdout: stdout carries the results (JSON lines with --json).
    sys.stderr.write(message("cost_prompt", lang) + " ")
    sys.stderr.flush()
    answer = sys.stdin.readline()  # "" at end of input: no
    return answer.strip().lower() in ("y", "yes", "是")


def _open_history(given: str | None, lang: str) -> Recorder:
    """A broken history never stops the checks: one message, and the rows go to the spool."""
    from livedetect_gui.core.trail.history import Recorder

    recorder = Recorder(_history_location(given))
    if recorder.error is not None:
        print(f"livedetect: {recorder.error.message(lang)}", file=sys.stderr)
    return recorder


def _human_line(result: CheckResult, lang: str) -> str:
    from livedetect_gui.core.messages import text as message
    from livedetect_gui.core.verdict import Verdict, verdict_word

    verdict = result.verdict
    word = message("held_word", lang) if result.held else verdict_word(verdict, lang)
    extra = f"  ({message('maybe_billed_twice', lang)})" if result.maybe_billed_twice else ""
    if result.reused_from is not None:
        from datetime import datetime

        when = datetime.fromtimestamp(result.reused_from).astimezone().isoformat(
            timespec="seconds")
        extra += f"  ({message('checked_before', lang, when=when)})"
    if verdict is Verdict.ERROR:
        line = f"{word}  {result.source}: {result.message(lang)}{extra}"
        hint = result.hint(lang)
        return f"{line}\n       -> {hint}" if hint else line
    score = result.score
    shown = f"{score:>3}" if isinstance(score, int) else f"{score:>6.2f}"
    sign_ = ">" if verdict is Verdict.PASS else "<="
    return (f"{word:<5}  {shown} {sign_} {result.threshold:g}  "
            f"{result.source}{extra}")


class _Counter:
    """A self-overwriting "N things" line on a terminal's stderr."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, count: int) -> None:
        sys.stderr.write(f"\r{count} {self.what}")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


class _Progress:
    """One self-overwriting status line on a terminal's stderr."""

    def __init__(self, total: int) -> None:
        import threading
        from collections import Counter

        from livedetect_gui.core.verdict import Verdict

        self.total = total
        self.counts: Counter[Verdict] = Counter()
        self._pass, self._fail, self._error = Verdict.PASS, Verdict.FAIL, Verdict.ERROR
        self._lock = threading.Lock()

    def add(self, result: CheckResult) -> None:
        with self._lock:
            self.counts[result.verdict] += 1
            done = sum(self.counts.values())
            sys.stderr.write(
                f"\r[{done}/{self.total}] pass {self.counts[self._pass]}  fail "
                f"{self.counts[self._fail]}  error {self.counts[self._error]}"
            )
            sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


# -- the other commands ----------------------------------------------------------------------------


def cmd_sign(args: argparse.Namespace) -> int:
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


def cmd_prepare(args: argparse.Namespace) -> int:
    from livedetect_gui.core.imaging.prepare import ImageRefused, Limits, prepare_file
    from livedetect_gui.core.paths import write_private
    from livedetect_gui.core.result import CheckResult

    limits = Limits(max_long_side=args.max_long_side, max_short_side=args.max_short_side)
    try:
        prepared = prepare_file(args.path, limits)
    except ImageRefused as exc:
        result = CheckResult(source=args.path, threshold=0, problem_key=exc.key, detail=exc.detail)
        print(f"livedetect: {args.path}: {result.message()}\n  -> {result.hint()}",
              file=sys.stderr)
        return EXIT_ERROR
    try:
        write_private(args.output, prepared.data)  # a face photo: 0600 whatever the umask
    except OSError as exc:
        print(f"livedetect: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return EXIT_ERROR
    print(f"{args.path}: {prepared.original_format} {prepared.original_mode} "
          f"{prepared.original_width}x{prepared.original_height}, "
          f"{prepared.original_bytes:,} bytes")
    print(f"{args.output}: JPEG {prepared.width}x{prepared.height}, {len(prepared.data):,} bytes")
    for line in prepared.describe():
        print(f"  - {line}")
    return EXIT_OK


def cmd_sandbox(args: argparse.Namespace) -> int:
    import signal
    import threading

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


def cmd_credentials(args: argparse.Namespace) -> int:
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
            raise UsageError(exc.message.text(_lang(getattr(args, "lang", None)))) from None
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


# Spelled out, not read from core.history_url: the parser is built on every start.
_HISTORY_HELP = ("history: a SQLite file, sqlite:///path or postgresql://user@host:port/db "
                 "(default: $LIVEDETECT_HISTORY_URL, else the user's own file)")


def _history_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--history", metavar="URL", help=_HISTORY_HELP)


def _filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="since", metavar="DATE", help="from this day (YYYY-MM-DD)")
    parser.add_argument("--to", dest="until", metavar="DATE", help="to this day, included")
    parser.add_argument("--verdict", action="append", choices=("pass", "fail", "error"))
    parser.add_argument("--operator", action="append", metavar="NAME")
    parser.add_argument("--kind", action="append", choices=("check", "decision", "cut"))
    live = parser.add_mutually_exclusive_group()
    live.add_argument("--simulated", dest="simulated", action="store_const", const=True,
                      help="only simulated (sandbox) records")
    live.add_argument("--live", dest="simulated", action="store_const", const=False,
                      help="only records from a live service")


def _day(text: str | None, end: bool = False) -> float | None:
    """A YYYY-MM-DD day as local time; ``end`` gives the start of the next day."""
    if text is None:
        return None
    from datetime import date, datetime, time, timedelta

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time.min).timestamp()


def _history_query(args: argparse.Namespace) -> Query:
    from livedetect_gui.core.trail.history import Query

    return Query(since=_day(args.since), until=_day(args.until, end=True), verdicts=args.verdict,
                 operators=args.operator, kinds=args.kind, simulated=args.simulated)


def _open_for_reading(given: str | None) -> History:
    """The history for a reading command; a damaged or missing file is one clear message."""
    from livedetect_gui.core.trail.history import HistoryError, open_history

    location = _history_location(given)
    if given is not None and location.path is not None and not location.path.exists():
        raise HistoryError("unreadable", str(location.path), "no such file")
    return open_history(location)


def _write(path: str, write: Callable[[str], object]) -> bool:
    """Write an output file; a path that cannot be written is one line, not a traceback."""
    try:
        write(path)
    except OSError as exc:
        print(f"livedetect: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def cmd_history(args: argparse.Namespace) -> int:
    lang = _lang(None)
    if args.action == "password":
        return _history_password(args)
    if args.action == "push":
        return _history_push(args, lang)
    history = _open_for_reading(args.history)
    try:
        if args.action == "verify":
            state = history.verify()
            print(state.message(lang), file=sys.stdout if state.intact else sys.stderr)
            return EXIT_OK if state.intact else EXIT_FAIL
        query = _history_query(args)
        if args.export:
            if args.export == "-":
                count = history.export_csv(sys.stdout, query, lang)
            else:
                written: list[int] = []
                if not _write(args.export, lambda path: written.append(
                        history.export_file(path, query, lang))):
                    return EXIT_ERROR
                count = written[0]
            print(f"exported {count} records", file=sys.stderr)
            return EXIT_OK
        for record in history.page(query, 0, max(0, args.limit)):
            score = "-" if record.score is None else f"{record.score:g}"
            what = record.verdict if record.kind == "check" else f"{record.kind}:{record.decision}"
            tag = " [simulated]" if record.simulated else ""
            note = record.message(lang) if record.verdict == "error" else ""
            print(f"{record.time_text}  {what:<16} {score:>5}  {record.operator or '-':<10} "
                  f"{record.source}{tag}  {note}".rstrip())
        return EXIT_OK
    finally:
        history.close()


def _shared_target(given: str | None) -> HistoryUrl:
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


def _history_password(args: argparse.Namespace) -> int:
    import getpass

    from livedetect_gui.core.trail import location as history_url

    target = _shared_target(args.target)
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


def _history_push(args: argparse.Namespace, lang: str) -> int:
    from livedetect_gui.core.trail.history import default_path
    from livedetect_gui.core.trail.postgres_store import PostgresStore, PushRefused, push

    target = _shared_target(args.target)
    # The source is a local file: --history, else the user's own (never $LIVEDETECT_HISTORY_URL,
    # which may well name the target).
    source_file = getattr(args, "history", None) or str(default_path())
    if _history_location(source_file).shared:
        raise UsageError("--history names the local history to send: a SQLite file")
    source = _open_for_reading(source_file)
    store = PostgresStore(target, forward=False)
    progress = _Counter("records read") if sys.stderr.isatty() else None
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


def cmd_report(args: argparse.Namespace) -> int:
    from livedetect_gui.core.trail.reports import ReportOptions, build_report, write_csv

    lang = _lang(args.lang)
    since, until = _day(args.since), _day(args.until, end=True)
    assert since is not None and until is not None
    if until <= since:
        raise UsageError("--to is before --from")
    history = _open_for_reading(args.history)
    try:
        options = ReportOptions(since=since, until=until, operators=args.operator,
                                include_simulated=args.simulated, by=args.by,
                                threshold=args.threshold)
        report = build_report(history, options)
    finally:
        history.close()
    print(report.as_text(lang))
    if args.csv and not _write(args.csv, lambda path: write_csv(report, path, lang)):
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
        if not _write(args.pdf, lambda path: write_pdf(report, path, lang)):
            return EXIT_ERROR
    for path in (args.csv, args.pdf):
        if path:
            print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
