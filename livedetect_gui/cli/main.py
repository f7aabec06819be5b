"""``livedetect``: check photos, sign, prepare, run the sandbox, manage credentials and history.

This module builds the parser from the command modules, dispatches, and turns what escapes a
command into an exit status. Exit status of ``check``: 0 every item passed, 1 at least one fail
and no errors, 2 at least one item could not be checked, 64 usage error. A user error never
prints a traceback.

Every command imports what it needs when it runs: `livedetect --version` must not pay for
requests, Pillow, the keyring or Qt (start-up within 3x a bare interpreter, bench/startup.py).
So the command modules import only the standard library and each other at the top.
"""

from __future__ import annotations

import argparse
import os
import sys

from livedetect_gui import __version__
from livedetect_gui.cli import (
    check,
    credentials,
    decide,
    history,
    prepare,
    report,
    sandbox,
    sign,
    worklist,
)
from livedetect_gui.cli.console import prepare_streams
from livedetect_gui.cli.output import language
from livedetect_gui.cli.status import (
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_USAGE,
    Parser,
    UsageError,
)

TYPE_CHECKING = False  # not typing's: importing typing costs every start a few milliseconds
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["EXIT_ERROR", "EXIT_FAIL", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_PIPE", "EXIT_USAGE",
           "UsageError", "build_parser", "main"]

# In the order `livedetect --help` lists them. Each adds its sub-parser, whose ``run`` default
# is the function that carries the command out.
COMMANDS = (check, sign, prepare, sandbox, credentials, history, report, worklist, decide)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="livedetect", description="LiveDetect Desk command line: check face "
                    "photos with the static-photo liveness service (or the local sandbox).")
    parser.add_argument("--version", action="version", version=f"livedetect {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each attempt to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    prepare_streams()
    # A crash inside a native library (OpenCV, Qt) prints every thread's Python stack on
    # stderr instead of dying silently: it names where it happened (no values, no secrets).
    import contextlib
    import faulthandler

    with contextlib.suppress(ValueError, OSError):  # stderr without a file descriptor
        faulthandler.enable()
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`livedetect history | head`): not an error worth a traceback.
        # stdout is pointed at /dev/null so the interpreter's last flush stays quiet too.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE
    except KeyboardInterrupt:  # Ctrl+C before a command's own handler is in place
        print("livedetect: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # --version and --help end here, before the heavy imports
    import logging

    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
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
            print(f"livedetect: {exc.message.text(language(getattr(args, 'lang', None)))}",
                  file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, KeyringUnavailable):
            print(f"livedetect: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if isinstance(exc, HistoryError):  # a damaged, locked or unreadable history
            print(f"livedetect: {exc.message(language(getattr(args, 'lang', None)))}",
                  file=sys.stderr)
            return EXIT_ERROR
        raise


if __name__ == "__main__":
    sys.exit(main())
