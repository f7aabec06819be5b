"""``livedetect history`` keygen, checkpoint, export --evidence, verify --trusted-key and
init-shared, through the command's own entry point."""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest

from livedetect_gui.cli.main import main
from livedetect_gui.core.result import CheckResult, PreparedInfo
from livedetect_gui.core.service.credentials import CredentialStore, KeyringUnavailable
from livedetect_gui.core.trail import checkpoints
from livedetect_gui.core.trail.chain import Anchor, chained, from_row, row_tuple
from livedetect_gui.core.trail.history import History
from livedetect_gui.core.trail.sqlite_store import FileAnchor
from livedetect_gui.core.trail.store import insert_sql


def filled(path: Path, count: int = 4) -> None:
    history = History(path, operator="ann")
    for i in range(count):
        history.record(CheckResult(source=f"p{i}.jpg", threshold=87, score=60 + i, code=0,
                                   prepared=PreparedInfo(640, 480, 100), sha256="aa" * 32,
                                   endpoint="http://127.0.0.1:1/", attempts=1))
    history.close()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_keygen_checkpoint_and_trusted_verify(tmp_path, capsys) -> None:
    path = tmp_path / "h.sqlite3"
    filled(path)
    key_file = tmp_path / "supervisor.pem"
    code, public, _ = run(capsys, "history", "keygen", "--key-file", str(key_file))
    assert code == 0 and public.startswith("ed25519:")
    code, statement, _ = run(capsys, "history", "checkpoint", "--key-file", str(key_file),
                             "--history", str(path))
    assert code == 0 and checkpoints.Checkpoint.from_json(statement).seq == 4
    code, out, _ = run(capsys, "history", "verify", "--history", str(path), "--trusted-key",
                       public.strip())
    assert code == 0 and "proven with the trusted key" in out and "#4" in out
    # keygen refuses to overwrite a key without --force
    code, _, err = run(capsys, "history", "keygen", "--key-file", str(key_file))
    assert code == 64 and "--force" in err


def rewrite(path: Path) -> None:
    """Edit record 2, rebuild every hash after it and the anchor (the plain walk passes)."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    rows = [from_row(r) for r in db.execute("SELECT * FROM records ORDER BY seq")]
    db.execute("DELETE FROM records")
    prev, rebuilt = "0" * 64, []
    for record in rows:
        if record.seq == 2:
            record = dataclasses.replace(record, score=99.0)
        record = chained(record, record.seq, prev)
        prev = record.hash
        rebuilt.append(record)
    db.executemany(insert_sql(), [row_tuple(r) for r in rebuilt])
    db.commit()
    db.close()
    FileAnchor(path.with_name(path.name + ".anchor")).write(Anchor(rebuilt[-1].seq, prev))


def test_a_rewritten_file_and_anchor_fail_only_the_trusted_verify(tmp_path, capsys) -> None:
    path = tmp_path / "h.sqlite3"
    filled(path)
    key_file = tmp_path / "k.pem"
    _, public, _ = run(capsys, "history", "keygen", "--key-file", str(key_file))
    _, statement, _ = run(capsys, "history", "checkpoint", "--key-file", str(key_file),
                          "--history", str(path))
    rewrite(path)
    code, out, _ = run(capsys, "history", "verify", "--history", str(path))
    assert code == 0 and "chain intact" in out
    code, _, err = run(capsys, "history", "verify", "--history", str(path), "--trusted-key",
                       public.strip())
    assert code == 1 and "not the ones signed" in err
    kept = tmp_path / "statement.json"
    kept.write_text(statement)
    code, _, err = run(capsys, "history", "verify", "--history", str(path), "--trusted-key",
                       public.strip(), "--checkpoint", str(kept))
    assert code == 1


def test_checkpoint_refuses_to_sign_an_altered_trail(tmp_path, capsys) -> None:
    path = tmp_path / "h.sqlite3"
    filled(path)
    db = sqlite3.connect(path)
    db.execute("UPDATE records SET score = 1 WHERE seq = 2")
    db.commit()
    db.close()
    key_file = tmp_path / "k.pem"
    run(capsys, "history", "keygen", "--key-file", str(key_file))
    code, _, err = run(capsys, "history", "checkpoint", "--key-file", str(key_file),
                       "--history", str(path))
    assert code == 1 and "not signed" in err


def test_evidence_export_and_check_on_another_machine(tmp_path, capsys) -> None:
    path = tmp_path / "h.sqlite3"
    filled(path, 6)
    key_file = tmp_path / "k.pem"
    _, public, _ = run(capsys, "history", "keygen", "--key-file", str(key_file))
    out_file = tmp_path / "evidence.jsonl"
    code, _, err = run(capsys, "history", "export", "--evidence", str(out_file), "--history",
                       str(path))
    assert code == 2 and "checkpoint" in err  # nothing signed yet: says what to do
    run(capsys, "history", "checkpoint", "--key-file", str(key_file), "--history", str(path))
    code, _, _ = run(capsys, "history", "export", "--evidence", str(out_file), "--history",
                     str(path))
    assert code == 0
    path.unlink()  # the auditor's machine has only the file and the public key
    code, out, _ = run(capsys, "history", "verify", "--evidence", str(out_file),
                       "--trusted-key", public.strip())
    assert code == 0 and "6 records" in out
    other = checkpoints.public_text(checkpoints.generate_key())
    code, _, err = run(capsys, "history", "verify", "--evidence", str(out_file),
                       "--trusted-key", other)
    assert code == 1 and "NOT PROVEN" in err
    code, _, err = run(capsys, "history", "verify", "--evidence", str(out_file))
    assert code == 64


def test_the_supervisor_key_round_trips_through_a_real_keyring() -> None:
    store = CredentialStore(f"livedetect-gui-tests-{uuid.uuid4().hex[:8]}")
    if not store.available():
        pytest.skip("no usable keyring backend here (scripts/test.sh runs one)")
    key = checkpoints.generate_key()
    try:
        store.save_supervisor_key(checkpoints.private_to_secret(key))
        loaded = checkpoints.private_from_secret(store.load_supervisor_key() or "")
        assert checkpoints.fingerprint(loaded) == checkpoints.fingerprint(key)
    except KeyringUnavailable as exc:
        pytest.skip(str(exc))


def test_init_shared_sets_up_roles_on_a_real_server(pg_url: str, capsys) -> None:
    code, out, _ = run(capsys, "history", "init-shared", pg_url)
    assert code == 0 and "livedetect_desk" in out
    with psycopg.connect(pg_url) as conn:
        roles = {r[0] for r in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'livedetect_%'")}
    assert {"livedetect_desk", "livedetect_auditor"} <= roles
    code, _, err = run(capsys, "history", "init-shared", str(Path("local.sqlite3")))
    assert code == 64
