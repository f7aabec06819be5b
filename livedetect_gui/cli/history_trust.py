"""``livedetect history`` actions that make the trail provable: a supervisor's key pair,
signed checkpoints, evidence files, a trusted-key verify, and the shared store's set-up by an
administrator (``init-shared``)."""

from __future__ import annotations

import argparse
import sys

from livedetect_gui.cli.history_options import HISTORY_HELP, day, open_for_reading
from livedetect_gui.cli.status import EXIT_ERROR, EXIT_FAIL, EXIT_OK, SubParsers, UsageError

KEY_FILE_HELP = ("the supervisor's private key in a file they keep (PEM); default: the OS "
                 "keyring of this login")


def add_parsers(hist_sub: SubParsers) -> None:
    keygen = hist_sub.add_parser(
        "keygen", help="make the supervisor's signing key pair",
        description="Make an Ed25519 key pair for signed checkpoints. The private key goes "
        "into the OS keyring (or --key-file, written 0600); the public key is printed: give it "
        "to whoever verifies (`history verify --trusted-key`).")
    keygen.add_argument("--key-file", metavar="FILE", help="write the private key here instead "
                        "of the keyring")
    keygen.add_argument("--force", action="store_true", help="replace an existing key")

    checkpoint = hist_sub.add_parser(
        "checkpoint", help="sign the trail's newest record (a supervisor's checkpoint)",
        description="Sign the chain's head with the supervisor's private key and append the "
        "signed statement to the trail; it is printed too, to keep apart.")
    checkpoint.add_argument("--key-file", metavar="FILE", help=KEY_FILE_HELP)
    checkpoint.add_argument("--history", metavar="URL", default=argparse.SUPPRESS,
                            help=HISTORY_HELP)

    export = hist_sub.add_parser(
        "export", help="write evidence of a date range for an auditor",
        description="Write the records of a date range with their chain links and the "
        "checkpoint covering them (JSON Lines); `history verify --evidence FILE --trusted-key "
        "KEY` checks it on any machine.")
    export.add_argument("--evidence", metavar="FILE", required=True)
    export.add_argument("--from", dest="since", metavar="DATE", help="from this day")
    export.add_argument("--to", dest="until", metavar="DATE", help="to this day, included")
    export.add_argument("--history", metavar="URL", default=argparse.SUPPRESS,
                        help=HISTORY_HELP)

    init = hist_sub.add_parser(
        "init-shared", help="set up a centre's shared history (administrator)",
        description="As the database owner: create the schema, a desk role that may only read "
        "and append through the server's function, and an auditor role that may only read. "
        "Grant them to logins with GRANT livedetect_desk TO <login>.")
    init.add_argument("target", nargs="?", metavar="URL", help="postgresql://owner@host/db")
    init.add_argument("--desk-role", default="livedetect_desk")
    init.add_argument("--auditor-role", default="livedetect_auditor")


def add_verify_arguments(verify: argparse.ArgumentParser) -> None:
    verify.add_argument("--trusted-key", metavar="KEY", help="prove the trail up to its newest "
                        "checkpoint signed by this public key (ed25519:... or a PEM file)")
    verify.add_argument("--checkpoint", metavar="STATEMENT", help="a checkpoint kept apart "
                        "(the JSON `history checkpoint` printed, or a file holding it)")
    verify.add_argument("--evidence", metavar="FILE", help="check an evidence file instead of "
                        "a history (needs --trusted-key)")


def _private_key(key_file: str | None):  # noqa: ANN202 - Ed25519PrivateKey
    from livedetect_gui.core.service.credentials import CredentialStore
    from livedetect_gui.core.trail import checkpoints

    if key_file:
        return checkpoints.read_private(key_file)
    secret = CredentialStore().load_supervisor_key()
    if not secret:
        raise UsageError("no supervisor key in the keyring: run `livedetect history keygen` "
                         "(or pass --key-file)")
    return checkpoints.private_from_secret(secret)


def run_keygen(args: argparse.Namespace) -> int:
    from pathlib import Path

    from livedetect_gui.core.service.credentials import CredentialStore
    from livedetect_gui.core.trail import checkpoints

    key = checkpoints.generate_key()
    if args.key_file:
        if Path(args.key_file).exists() and not args.force:
            raise UsageError(f"{args.key_file} exists: pass --force to replace it")
        checkpoints.write_private(key, args.key_file)
    else:
        store = CredentialStore()
        if store.load_supervisor_key() and not args.force:
            raise UsageError("a supervisor key is already in the keyring: pass --force to "
                             "replace it (checkpoints it signed stay provable with its public "
                             "key)")
        store.save_supervisor_key(checkpoints.private_to_secret(key))
    print(checkpoints.public_text(key))
    return EXIT_OK


def run_checkpoint(args: argparse.Namespace, lang: str) -> int:
    from livedetect_gui.core.trail import checkpoints

    key = _private_key(args.key_file)
    history = open_for_reading(getattr(args, "history", None))
    try:
        state = history.verify()
        if not state.intact:
            # Signing an altered trail would vouch for the alteration.
            print(f"livedetect: not signed: {state.message(lang)}", file=sys.stderr)
            return EXIT_FAIL
        signed = checkpoints.append_checkpoint(history, key)
    finally:
        history.close()
    print(signed.to_json())
    return EXIT_OK


def run_export(args: argparse.Namespace, lang: str) -> int:
    from livedetect_gui.cli.output import CountLine
    from livedetect_gui.core.trail import evidence

    history = open_for_reading(getattr(args, "history", None))
    # A month of a busy centre is a long walk: say how far it got (Ctrl+C stops it).
    progress = CountLine("records written") if sys.stderr.isatty() else None
    try:
        count = evidence.write(history, args.evidence, day(args.since),
                               day(args.until, end=True), progress)
    except evidence.EvidenceError as exc:
        print(f"livedetect: {exc.message(lang)}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"livedetect: cannot write {args.evidence}: {exc.strerror}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if progress:
            progress.clear()
        history.close()
    print(f"wrote the evidence of {count} records to {args.evidence}", file=sys.stderr)
    return EXIT_OK


def _external(text: str | None):  # noqa: ANN202 - Checkpoint | None
    from pathlib import Path

    from livedetect_gui.core.trail.checkpoints import Checkpoint

    if not text:
        return None
    if not text.lstrip().startswith("{"):
        try:
            text = Path(text).read_text(encoding="utf-8", errors="replace")[:65536]
        except OSError as exc:
            raise UsageError(f"cannot read {text}: {exc.strerror}") from None
    found = Checkpoint.from_json(text.strip())
    if found is None:
        raise UsageError("--checkpoint is not a checkpoint statement")
    return found


def run_verify(args: argparse.Namespace, lang: str) -> int | None:
    """The trusted-key forms of ``history verify``; None for the plain one."""
    if not (args.trusted_key or args.evidence or args.checkpoint):
        return None
    from livedetect_gui.core.trail import checkpoints, evidence

    if not args.trusted_key:
        raise UsageError("--evidence and --checkpoint need --trusted-key")
    try:
        public = checkpoints.parse_public(args.trusted_key)
    except checkpoints.KeyError_ as exc:
        raise UsageError(str(exc)) from None
    if args.evidence:
        try:
            proven = evidence.check_file(args.evidence, public)
        except evidence.EvidenceError as exc:
            print(f"NOT PROVEN: {exc.message(lang)}", file=sys.stderr)
            return EXIT_FAIL
        print(proven.message(lang))
        return EXIT_OK
    history = open_for_reading(getattr(args, "history", None))
    try:
        state = checkpoints.verify_history(history, public, _external(args.checkpoint))
    finally:
        history.close()
    chain = state.chain.message(lang)
    ok = state.proven and state.chain.intact
    print(f"{chain}\n{state.message(lang)}", file=sys.stdout if ok else sys.stderr)
    return EXIT_OK if ok else EXIT_FAIL


def run_init_shared(args: argparse.Namespace) -> int:
    from livedetect_gui.cli.history_shared import shared_target
    from livedetect_gui.core.trail.postgres_server import StoreUnavailable
    from livedetect_gui.core.trail.shared_roles import init_shared

    target = shared_target(args.target)
    try:
        done = init_shared(target, args.desk_role, args.auditor_role)
    except StoreUnavailable as exc:
        print(f"livedetect: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # refused by the server: not the owner, a bad role name...
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"livedetect: not set up: {first}", file=sys.stderr)
        return EXIT_ERROR
    made = f" (created {', '.join(done.created)})" if done.created else ""
    print(f"shared history ready at schema {done.schema_version}: desks append as "
          f"{done.desk_role}, auditors read as {done.auditor_role}{made}.\n"
          f"Grant them to logins: GRANT {done.desk_role} TO <desk login>; "
          f"GRANT {done.auditor_role} TO <auditor login>;")
    return EXIT_OK


ACTIONS = {"keygen": lambda args, lang: run_keygen(args),
           "checkpoint": run_checkpoint, "export": run_export,
           "init-shared": lambda args, lang: run_init_shared(args)}
