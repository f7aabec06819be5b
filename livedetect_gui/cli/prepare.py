"""``livedetect prepare``: write the image a check would send, and say what was done to it."""

from __future__ import annotations

import argparse
import sys

from livedetect_gui.cli.status import EXIT_ERROR, EXIT_OK, SubParsers
from livedetect_gui.core import defaults


def add_parser(sub: SubParsers) -> None:
    prep = sub.add_parser("prepare", help="write the prepared image that would be sent",
                          description="Orient, convert, resize and compress PATH as a check "
                          "would, write it to OUT and say what was done. Nothing is sent.")
    prep.add_argument("path", metavar="PATH")
    prep.add_argument("-o", "--output", required=True, metavar="OUT.jpg")
    prep.add_argument("--max-long-side", type=int, default=defaults.MAX_LONG_SIDE)
    prep.add_argument("--max-short-side", type=int, default=defaults.MAX_SHORT_SIDE)
    prep.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from livedetect_gui.core.errors import Audience
    from livedetect_gui.core.imaging.prepare import (
        ImageRefused,
        Limits,
        prepare_file,
        tune_allocator,
    )
    from livedetect_gui.core.paths import write_private
    from livedetect_gui.core.result import CheckResult

    tune_allocator()
    limits = Limits(max_long_side=args.max_long_side, max_short_side=args.max_short_side)
    try:
        prepared = prepare_file(args.path, limits)
    except ImageRefused as exc:
        result = CheckResult(source=args.path, threshold=0, problem_key=exc.key, detail=exc.detail)
        hint = result.hint("en", Audience.CLI)
        print(f"livedetect: {args.path}: {result.message()}\n  -> {hint}", file=sys.stderr)
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
