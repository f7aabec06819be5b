"""Signed checkpoints: a supervisor's Ed25519 signature over the chain's head.

The hash chain and its anchor make edits *evident* to anyone who cannot rewrite both the
database and the anchor; someone who can (the desk's own login, an administrator with a
database tool and this algorithm) can rebuild a consistent chain. A checkpoint closes that
gap up to a point in time: the supervisor signs (head seq, head hash, time) with a private
key the desk never holds, and anyone with the public key can later prove that nothing up to
that record was changed, inserted or deleted — because doing so changes the head hash the
signature covers, and forging a signature needs the private key.

A checkpoint is appended to the trail as a record of kind ``checkpoint`` whose note carries
the signed statement, so it travels with the trail (and with its exports) and the desk can
show the newest one. The supervisor may also keep the printed statement elsewhere: one
deleted together with everything after it is then still caught (``verify_against``).

Keys: ``ed25519:<base64 of the 32-byte public key>`` is the public form, short enough for a
command line. The private key is the 32-byte seed, kept in the OS keyring (never a file of
ours) or in a file the supervisor keeps (PEM, PKCS#8, written 0600).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from livedetect_gui.core.paths import atomic_private
from livedetect_gui.core.trail.chain import ChainState, Kind, Record, compute_hash, new_id
from livedetect_gui.core.trail.store import Query

if TYPE_CHECKING:
    from livedetect_gui.core.trail.history import History

PUBLIC_PREFIX = "ed25519:"
FORMAT = 1


class KeyError_(ValueError):
    """A key that cannot be read: says which and why (never prints the key)."""


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: the chain's record ``seq`` has hash ``head`` (at time ``at``)."""

    seq: int
    head: str
    at: float
    key: str  # fingerprint of the public key that signed
    signature: str = ""

    def statement(self) -> bytes:
        """The bytes signed: everything but the signature, canonical JSON."""
        return json.dumps({"v": FORMAT, "seq": self.seq, "head": self.head, "at": self.at,
                           "key": self.key}, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> str:
        return json.dumps({"v": FORMAT, "seq": self.seq, "head": self.head, "at": self.at,
                           "key": self.key, "sig": self.signature}, sort_keys=True,
                          separators=(",", ":"))

    @staticmethod
    def from_json(text: str) -> Checkpoint | None:
        """None for anything that is not a well-formed checkpoint (never an exception)."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("v") != FORMAT:
                return None
            seq, head, at = data["seq"], data["head"], data["at"]
            if (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0
                    or not isinstance(head, str) or not isinstance(at, int | float)):
                return None
            return Checkpoint(seq, head, float(at), str(data["key"]), str(data["sig"]))
        except (ValueError, KeyError, TypeError):
            return None


# -- keys -----------------------------------------------------------------------------------


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PUBLIC_PREFIX + base64.b64encode(raw).decode()


def fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A short name for a key pair (first 16 hex digits of SHA-256 of the public key)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def parse_public(text: str) -> Ed25519PublicKey:
    """``ed25519:BASE64``, or a PEM public key (text or the path of a file holding either)."""
    text = text.strip()
    if not text.startswith((PUBLIC_PREFIX, "-----BEGIN")):
        path = Path(text)
        try:
            if path.is_file() and path.stat().st_size < 16384:
                text = path.read_text(encoding="ascii", errors="replace").strip()
        except OSError as exc:
            raise KeyError_(f"cannot read the public key file {path}: {exc.strerror}") from None
    try:
        if text.startswith(PUBLIC_PREFIX):
            raw = base64.b64decode(text[len(PUBLIC_PREFIX):], validate=True)
            return Ed25519PublicKey.from_public_bytes(raw)
        loaded = serialization.load_pem_public_key(text.encode())
    except (ValueError, binascii.Error, TypeError):
        raise KeyError_("not an Ed25519 public key (expected ed25519:BASE64 or PEM)") from None
    if not isinstance(loaded, Ed25519PublicKey):
        raise KeyError_("not an Ed25519 public key")
    return loaded


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def write_private(key: Ed25519PrivateKey, path: str | Path) -> None:
    """The private key in a file the supervisor keeps (0600; replaced whole)."""
    with atomic_private(path, "wb") as out:
        out.write(private_pem(key))


def read_private(path: str | Path) -> Ed25519PrivateKey:
    try:
        data = Path(path).read_bytes()[:16384]
    except OSError as exc:
        raise KeyError_(f"cannot read the key file {path}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise KeyError_(f"{path} does not hold an unencrypted Ed25519 private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(f"{path} does not hold an Ed25519 private key")
    return key


def private_to_secret(key: Ed25519PrivateKey) -> str:
    """The form kept in the OS keyring: the 32-byte seed, base64."""
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    return base64.b64encode(raw).decode()


def private_from_secret(secret: str) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(secret, validate=True))
    except (ValueError, binascii.Error):
        raise KeyError_("the supervisor key in the keyring is damaged") from None


# -- signing and checking -------------------------------------------------------------------


def sign(key: Ed25519PrivateKey, seq: int, head: str, at: float | None = None) -> Checkpoint:
    unsigned = Checkpoint(seq, head, time.time() if at is None else at, fingerprint(key))
    signature = base64.b64encode(key.sign(unsigned.statement())).decode()
    return Checkpoint(unsigned.seq, unsigned.head, unsigned.at, unsigned.key, signature)


def signed_by(checkpoint: Checkpoint, public: Ed25519PublicKey) -> bool:
    if checkpoint.key != fingerprint(public):
        return False
    try:
        public.verify(base64.b64decode(checkpoint.signature, validate=True),
                      checkpoint.statement())
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def checkpoint_record(checkpoint: Checkpoint, operator: str, os_user: str,
                      desk: str) -> Record:
    """The trail record carrying a checkpoint (appended after the head it signs)."""
    return Record(id=new_id(), kind=Kind.CHECKPOINT.value, at=time.time(), operator=operator,
                  os_user=os_user, desk=desk, note=checkpoint.to_json())


def from_record(record: Record) -> Checkpoint | None:
    if record.kind != Kind.CHECKPOINT.value:
        return None
    return Checkpoint.from_json(record.note)


@dataclass(frozen=True)
class TrustedState:
    """What ``verify`` proved with a trusted key."""

    chain: ChainState  # the plain walk (edits anywhere, the anchor)
    checkpoint: Checkpoint | None  # the newest checkpoint signed by the trusted key
    proven: bool  # everything up to ``checkpoint.seq`` is as signed
    problem: str = ""  # message key when not proven
    detail: str = ""
    forged: int = 0  # checkpoint records whose signature does not verify under the key

    def message(self, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        if self.proven and self.checkpoint is not None:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.checkpoint.at))
            text = (f"已由受信任密钥证实：截至第 {self.checkpoint.seq} 条记录"
                    f"（{when} 签署）未被修改、插入或删除" if zh
                    else f"proven with the trusted key: nothing up to record "
                    f"#{self.checkpoint.seq} (signed {when}) was changed, inserted or deleted")
        else:
            texts = TRUST_PROBLEMS.get(self.problem, (self.problem, self.problem))
            text = texts[1 if zh else 0] + (f" — {self.detail}" if self.detail else "")
        if self.forged:
            text += (f"；{self.forged} 个检查点的签名无效（被伪造或属于其他密钥）" if zh
                     else f"; {self.forged} checkpoint(s) not signed by this key (forged or "
                     "another supervisor's)")
        return text


TRUST_PROBLEMS: dict[str, tuple[str, str]] = {
    "no_checkpoint": ("no checkpoint signed by this key: nothing can be proven with it "
                      "(a supervisor runs `livedetect history checkpoint`)",
                      "没有此密钥签署的检查点：无法据此证明"
                      "（由主管运行 `livedetect history checkpoint`）"),
    "head_differs": ("the records up to the newest signed checkpoint are not the ones signed "
                     "(changed, inserted or deleted after signing)",
                     "截至最新签署检查点的记录与签署时不同（签署后被修改、插入或删除）"),
    "signed_missing": ("the record the checkpoint signed is missing (deleted)",
                       "检查点所签署的记录缺失（已被删除）"),
    "chain_broken": ("the chain is broken before the signed checkpoint",
                     "签署检查点之前的哈希链已断开"),
}


def verify_trusted(records: Callable[[], Iterable[Record]], public: Ed25519PublicKey,
                   chain: ChainState, external: Checkpoint | None = None,
                   start: int = 1) -> TrustedState:
    """Prove the chain up to the newest checkpoint signed by ``public``.

    ``records()`` yields the whole kept chain in seq order; it is walked twice (first the
    checkpoints, then the heads they sign), so memory stays bounded on any trail. The plain
    walk's verdict (``chain``) is kept beside: a broken link *after* the newest checkpoint is
    reported by it; a difference at or before it fails the proof here. An ``external``
    checkpoint (kept by the supervisor outside the trail) is checked too, so deleting the
    newest checkpoint record together with everything after it is still caught. ``start`` is
    where the kept chain must begin (1, or the seq a retention cut names): records missing
    before it fail the proof.
    """
    signed: dict[int, Checkpoint] = {}
    forged = 0
    if external is not None:
        if not signed_by(external, public):
            return TrustedState(chain, None, False, "no_checkpoint", forged=1)
        signed[external.seq] = external
    for record in records():
        found = from_record(record)
        if found is None:
            continue
        if not signed_by(found, public):
            forged += 1
        elif found.seq > 0:
            signed.setdefault(found.seq, found)
    if not signed:
        return TrustedState(chain, None, False, "no_checkpoint", forged=forged)
    newest = max(signed.values(), key=lambda c: (c.seq, c.at))
    seen: set[int] = set()
    first_seq: int | None = None
    prev_hash: str | None = None
    for record in records():
        if first_seq is None:
            first_seq = record.seq
            if first_seq != start:  # records deleted below the kept chain's start
                return TrustedState(chain, newest, False, "chain_broken", f"#{start}", forged)
        if record.seq > newest.seq:
            break
        intact = compute_hash(record) == record.hash and (
            prev_hash is None or record.prev_hash == prev_hash)
        prev_hash = record.hash
        checkpoint = signed.get(record.seq)
        if checkpoint is not None:
            seen.add(record.seq)
            if not intact or record.hash != checkpoint.head:
                return TrustedState(chain, newest, False, "head_differs", f"#{record.seq}",
                                    forged)
        elif not intact:
            return TrustedState(chain, newest, False, "chain_broken", f"#{record.seq}",
                                forged)
    # Records below the first kept one were removed by retention (a cut record, itself in
    # the chain, says so); the newest signed head must still be there.
    missing = sorted(s for s in set(signed) - seen
                     if s == newest.seq or first_seq is None or s >= first_seq)
    if missing:
        return TrustedState(chain, newest, False, "signed_missing", f"#{missing[0]}", forged)
    return TrustedState(chain, newest, True, forged=forged)


# -- on a history ---------------------------------------------------------------------------


def append_checkpoint(history: History, key: Ed25519PrivateKey) -> Checkpoint:
    """Sign the chain's current head and append the statement to the trail."""
    head = history.store.page(Query(sort="seq"), 0, 1)
    if not head:
        raise KeyError_("the trail is empty: there is nothing to sign yet")
    checkpoint = sign(key, head[0].seq, head[0].hash)
    history.store.append([checkpoint_record(checkpoint, history.operator, history.os_user,
                                            history.desk)])
    return checkpoint


def newest_checkpoint(history: History) -> Checkpoint | None:
    """The newest checkpoint in the trail, whoever signed it (the desk shows its time; only
    ``verify_history`` with a trusted key says whether it proves anything)."""
    for record in history.store.page(Query(kinds=[Kind.CHECKPOINT.value], sort="seq"), 0, 5):
        found = from_record(record)
        if found is not None:
            return found
    return None


def verify_history(history: History, public: Ed25519PublicKey,
                   external: Checkpoint | None = None) -> TrustedState:
    chain = history.verify()
    ascending = Query(sort="seq", descending=False)
    return verify_trusted(lambda: history.store.stream(ascending), public, chain, external,
                          history.store.chain_start())
