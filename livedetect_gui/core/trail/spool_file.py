"""The local history's spool file (``history.sqlite3.spool``): records the database could not
take yet, one authenticated JSON line each, written to the history at its next open.

Every line carries a keyed MAC (HMAC-SHA256) over the record, made with this desk's spool key.
The key lives in the OS keyring; where there is none (a headless machine, a locked keyring),
in a private key file beside the history (``<history>.spool-key``, 0600), and the line says
which. A line that does not authenticate (hand-written, edited, or from before lines were
signed) is never chained: it is moved to ``<spool>.refused`` and reported by ``verify``. A
line whose key cannot be read now (the keyring is locked) stays in the spool for later.

What the key file does not protect against: someone who can read it can forge lines. The
keyring's key is out of reach of a plain file edit.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from livedetect_gui.core.paths import append_private
from livedetect_gui.core.service.credentials import CredentialStore
from livedetect_gui.core.trail.chain import Record, from_row, row_values
from livedetect_gui.core.user_files import open_regular

log = logging.getLogger(__name__)

SPOOL_KEY_SERVICE = "livedetect-gui-spool"
KEYRING, KEY_FILE = "keyring", "file"
# A spool line is one record: far below this. A longer line is not one the desk wrote.
MAX_LINE = 1 << 20


class SpoolKeys(CredentialStore):
    """This desk's spool keys: one per history file, in the keyring or else in a key file."""

    def __init__(self, service: str = SPOOL_KEY_SERVICE) -> None:
        super().__init__(service)
        self._cache: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def key(self, history: Path, where: str, create: bool = False) -> bytes | None:
        """The key of ``history`` kept ``where`` (KEYRING or KEY_FILE); made when ``create``.
        None when it is not there (or cannot be read now)."""
        name = str(history.resolve())
        with self._lock:
            if (name, where) in self._cache:
                return self._cache[(name, where)]
            found = (self._keyring_key(name, create) if where == KEYRING
                     else _file_key(key_file(history), create))
            if found is not None:
                self._cache[(name, where)] = found
            return found

    def signing_key(self, history: Path) -> tuple[str, bytes]:
        """The key new lines are signed with: the keyring's when there is one, else the key
        file's (logged once, so whoever reads the log knows the weaker place is used)."""
        if self.available():
            found = self.key(history, KEYRING, create=True)
            if found is not None:
                return KEYRING, found
        log.info("no OS keyring: spool lines are signed with the key file %s", key_file(history))
        found = self.key(history, KEY_FILE, create=True)
        if found is None:
            raise OSError(f"the spool key file {key_file(history)} cannot be made")
        return KEY_FILE, found

    def _keyring_key(self, name: str, create: bool) -> bytes | None:
        try:
            stored = self._call("get_password", name)
            if stored is None and create:
                self._call("set_password", name, secrets.token_hex(32))
                stored = self._call("get_password", name)  # whoever won a race
            return bytes.fromhex(stored) if stored else None
        except Exception:  # no keyring, locked, or a garbled entry: not usable now
            return None


def key_file(history: Path) -> Path:
    return history.with_name(history.name + ".spool-key")


def _file_key(path: Path, create: bool) -> bytes | None:
    try:
        with open_regular(path, 1024) as handle:
            return bytes.fromhex(handle.read().decode("ascii").strip())
    except FileNotFoundError:
        if not create:
            return None
    except (OSError, ValueError):
        return None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _file_key(path, False)  # another process made it first
    except OSError:
        return None
    with os.fdopen(fd, "w") as out:
        key = secrets.token_hex(32)
        out.write(key)
        out.flush()
        os.fsync(out.fileno())
    return bytes.fromhex(key)


def _mac(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def spool(path: Path, record: Record, keys: SpoolKeys, history: Path) -> bool:
    """Append one record, signed with ``history``'s spool key, to the spool file (0600):
    written to the store at the next open. False when it could not be kept."""
    try:
        where, key = keys.signing_key(history)
        payload = json.dumps(row_values(record), ensure_ascii=False, separators=(",", ":"))
        line = json.dumps({"key": where, "mac": _mac(key, payload), "record": payload},
                          ensure_ascii=False) + "\n"
        append_private(path, line.encode("utf-8"))
        return True
    except (OSError, UnicodeError) as exc:
        log.error("history: could not spool the record of %s: %s", record.source, exc)
        return False


@dataclass
class SpoolRead:
    """What one reading of the spool found."""

    records: list[Record]
    refused: list[str]  # lines that did not authenticate: never chained
    later: list[str]  # lines whose key cannot be read now: kept for the next open


def read_spool(path: Path, keys: SpoolKeys, history: Path) -> SpoolRead:
    found = SpoolRead([], [], [])
    for line in _lines(path):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            where, mac, payload = entry["key"], entry["mac"], entry["record"]
            if where not in (KEYRING, KEY_FILE) or not isinstance(payload, str):
                raise ValueError("not a spool line")
        except (ValueError, KeyError, TypeError):
            if line.endswith("\n"):
                found.refused.append(line)
            # else: the torn last line of a crash, never complete: dropped
            continue
        key = keys.key(history, where)
        if key is None:
            found.later.append(line)
            continue
        if not hmac.compare_digest(_mac(key, payload), str(mac)):
            found.refused.append(line)
            continue
        try:
            found.records.append(from_row(json.loads(payload)))
        except (ValueError, KeyError, TypeError):
            found.refused.append(line)
    return found


def put_back(path: Path, lines: list[str]) -> None:
    """Lines to be read again at the next open (their key could not be read now)."""
    append_private(path, "".join(lines).encode("utf-8"))


def count_lines(path: Path) -> int:
    return sum(1 for line in _lines(path) if line.strip())


def _lines(path: Path) -> Iterator[str]:
    try:
        with open_regular(path) as handle:
            while raw := handle.readline(MAX_LINE):
                yield raw.decode("utf-8", "replace")
    except OSError:
        return


def set_refused_aside(spool_path: Path, lines: list[str]) -> Path:
    """Keep refused lines as evidence (appended, 0600): ``verify`` reports the file."""
    aside = refused_path(spool_path)
    append_private(aside, "".join(line if line.endswith("\n") else line + "\n"
                                  for line in lines).encode("utf-8"))
    log.warning("history: %d spool lines failed authentication and were not recorded; "
                "kept in %s", len(lines), aside)
    return aside


def refused_path(spool_path: Path) -> Path:
    return spool_path.with_name(spool_path.name + ".refused")


def refused_count(spool_path: Path) -> int:
    with contextlib.suppress(OSError):
        return count_lines(refused_path(spool_path))
    return 0
