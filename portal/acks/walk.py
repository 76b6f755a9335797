"""The verification walk over the acknowledgement chain, fast enough for a company's worth of records.

Records are read in keyset-paginated batches of plain rows (``WHERE id > last ORDER BY id LIMIT n``: no
ORM objects, no long-lived cursor, each batch an index range scan); the versions' text hashes are read
once.  Hash and link checks run in this process; the Ed25519 signature checks, the dearest part, can run
in a pool of worker processes (one per core) while this process hashes the next batch.  Whatever runs
where, the report names the *first* record in id order that does not fit, as ``chain.check_chain`` does.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.acks.chain import ChainBreak, ChainReport, stamped_hash, utc_stamp
from portal.acks.keys import RecordVerifier
from portal.acks.models import GENESIS_HASH

BATCH = 20_000
# Below this many records a process pool costs more than it saves.
POOL_THRESHOLD = 4_000

_ROWS = text(
    "SELECT a.id, a.user_id, a.regulation_id, a.version_id, a.text_sha256, a.signed_name, a.signed_at, a.ip, "
    "a.user_agent, a.prev_hash, a.record_hash, s.key_id, s.signature "
    "FROM acknowledgements a LEFT JOIN ack_signatures s ON s.ack_id = a.id "
    "WHERE a.id > :after ORDER BY a.id LIMIT :n"
)

Progress = Callable[[int], None]
"""Told the number of records checked so far, after each batch."""

SignatureItem = tuple[int, str, "str | None", "str | None"]  # id, record hash, key id, signature


@dataclass(frozen=True)
class WalkStart:
    """Where a walk begins: after record ``after_id``, whose hash is ``prev_hash`` (0 and genesis: the start)."""

    after_id: int = 0
    prev_hash: str = GENESIS_HASH


def signature_problem(verifier: RecordVerifier, key_id: str | None, record_hash: str, signature: str | None) -> str | None:
    """None when the record's server signature is good, else the reason (Chinese)."""
    if signature is None:
        return "记录没有服务器签名（签名被删除，或记录绕过门户写入）"
    if key_id != verifier.key_id:
        return f"记录的签名来自另一把密钥（{key_id}），不是所给的签名公钥（{verifier.key_id}）"
    if not verifier.record_signature_ok(record_hash, signature):
        return "服务器签名与记录不符（记录被改写并重新计算了哈希）"
    return None


def _first_bad_signature(public_raw: bytes, items: Sequence[SignatureItem]) -> ChainBreak | None:
    """Run in a worker process (hence the raw key: picklable)."""
    verifier = RecordVerifier(Ed25519PublicKey.from_public_bytes(public_raw))
    for record_id, record_hash, key_id, signature in items:
        problem = signature_problem(verifier, key_id, record_hash, signature)
        if problem is not None:
            return ChainBreak(record_id, problem)
    return None


def _stamp(value: dt.datetime | str) -> str:
    """The hashed time of a stored value: SQLite hands back its text ('YYYY-MM-DD HH:MM:SS.ffffff'),
    PostgreSQL a datetime.  The text's usual form is rewritten directly (no parsing, ~1 µs saved a row)."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}Z"
        value = dt.datetime.fromisoformat(value)
    return utc_stamp(value)


def _version_hashes(session: Session) -> dict[int, str]:
    rows = session.execute(text("SELECT id, content_sha256 FROM regulation_versions"))
    return {int(version_id): str(digest) for version_id, digest in rows}


def _structural_problem(row: Sequence[object], expected_prev: str, versions: dict[int, str]) -> str | None:
    (_id, user_id, regulation_id, version_id, text_sha256, signed_name, signed_at, ip, user_agent, prev_hash,
     stored_hash) = row[:11]
    if prev_hash != expected_prev:
        return "前序哈希与上一条记录不符（记录被删除、插入或调换了顺序）"
    digest = stamped_hash(user_id, regulation_id, version_id, text_sha256, signed_name,  # type: ignore[arg-type]
                          _stamp(signed_at), ip, user_agent, prev_hash)  # type: ignore[arg-type]
    if digest != stored_hash:
        return "记录内容与其哈希不符（记录被改动）"
    if text_sha256 != versions.get(int(version_id)):  # type: ignore[call-overload]
        return "签署的文本哈希与该版本不符"
    return None


class _SignatureChecks:
    """Signature checks of batches, inline or in a pool; ``first_break`` is the earliest bad one."""

    def __init__(self, verifier: RecordVerifier | None, workers: int) -> None:
        self.verifier = verifier
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.pending: deque[Future[ChainBreak | None]] = deque()
        self.first_break: ChainBreak | None = None

    def add(self, items: list[SignatureItem]) -> None:
        if self.verifier is None or not items or self.first_break is not None:
            return
        if self.workers <= 1 or len(items) < POOL_THRESHOLD:
            self.first_break = _first_bad_signature(self._raw(), items)
            return
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        size = -(-len(items) // self.workers)
        for start in range(0, len(items), size):
            self.pending.append(self.pool.submit(_first_bad_signature, self._raw(), items[start:start + size]))
        self._collect(wait=False)

    def _raw(self) -> bytes:
        assert self.verifier is not None
        return self.verifier.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def _collect(self, wait: bool) -> None:
        # In submission order (= id order), so the first break found is the earliest.
        while self.pending and self.first_break is None and (wait or self.pending[0].done()):
            self.first_break = self.pending.popleft().result()

    def finish(self) -> ChainBreak | None:
        try:
            self._collect(wait=True)
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
        return self.first_break


def walk(
    session: Session, verifier: RecordVerifier | None, start: WalkStart = WalkStart(), *,
    workers: int = 1, progress: Progress | None = None,
) -> ChainReport:
    """Check the records after ``start`` in id order: links, hashes, text hashes and signatures."""
    versions = _version_hashes(session)
    signatures = _SignatureChecks(verifier, workers)
    expected_prev, after, checked = start.prev_hash, start.after_id, 0
    structural: ChainBreak | None = None
    try:
        while structural is None and signatures.first_break is None:
            rows = session.execute(_ROWS, {"after": after, "n": BATCH}).all()
            if not rows:
                break
            items: list[SignatureItem] = []
            for row in rows:
                problem = _structural_problem(row, expected_prev, versions)
                if problem is not None:
                    structural = ChainBreak(int(row[0]), problem)
                    break
                items.append((int(row[0]), str(row[10]), row[11], row[12]))
                expected_prev = str(row[10])
            checked += len(items) + (structural is not None)
            signatures.add(items)
            after = int(rows[-1][0])
            if progress is not None:
                progress(checked)
    finally:
        bad_signature = signatures.finish()
    first = _earliest(structural, bad_signature)
    return ChainReport(checked, first, expected_prev)


def _earliest(one: ChainBreak | None, other: ChainBreak | None) -> ChainBreak | None:
    if one is None or other is None:
        return one or other
    return one if one.record_id <= other.record_id else other
