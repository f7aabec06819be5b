"""Exit statuses, the usage error, and the argument parser that exits with ours."""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_FAIL, EXIT_ERROR, EXIT_USAGE = 0, 1, 2, 64
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141  # as a shell reports a writer stopped by SIGPIPE


class UsageError(Exception):
    """A mistake in what the user asked: one line on stderr, exit 64, never a traceback."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code is 2; ours is 64
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


# What every command module passes around: ``add_parser(sub)`` receives this.
SubParsers = argparse._SubParsersAction
