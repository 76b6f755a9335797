"""The serialised part of signing: link a prepared record to the chain head and store it.

Everything a record needs except its place in the chain (the signer, the text's hash, the time, the
audit line) is prepared before the head is taken (``Draft``).  Holding the head then costs: one
statement that locks it and reads the last hash, the record's hash and Ed25519 signature computed in
this process (~60 µs), one more round trip that writes the record, its signature, the new head and the
audit event, and the commit.  On PostgreSQL that second round trip is a single statement (data-modifying
CTEs); SQLite has none, but its statements do not leave the process.  The "already signed" check is
part of the INSERT (``WHERE NOT EXISTS``), so it is decided under the lock without a round trip of
its own, and the records' triggers (0009: a new record must extend the chain) still check every row.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from portal.acks.chain import stamped_hash, utc_stamp
from portal.acks.keys import RecordSigner
from portal.acks.models import GENESIS_HASH

HEAD_ID = 1
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """A record before it is linked: all of it but ``prev_hash`` (and so its hash and signature)."""

    user_id: int
    regulation_id: int
    version_id: int
    baseline_version_id: int | None  # None never matches: as has_signed
    text_sha256: str
    signed_name: str
    signed_at: dt.datetime  # naive UTC
    ip: str
    user_agent: str
    # The audit event written with it (its detail names the record's id, known only once inserted).
    actor_label: str
    audit_target: str
    # A re-attestation round (portal/lifecycle) is open: only records from this moment on count as signed.
    signed_since: dt.datetime | None = None


@dataclass(frozen=True)
class Linked:
    """What the chain gave the draft: its id, the previous hash, its own hash."""

    ack_id: int
    prev_hash: str
    record_hash: str


class AlreadyInChain(Exception):
    """The person signed this baseline meanwhile (the INSERT's NOT EXISTS found a record)."""


_LOCK = text(f"UPDATE ack_chain_head SET count = count WHERE id = {HEAD_ID} RETURNING last_hash")
_NOT_SIGNED = (
    "WHERE NOT EXISTS (SELECT 1 FROM acknowledgements a JOIN regulation_versions v ON v.id = a.version_id "
    "WHERE a.user_id = :user_id AND v.baseline_version_id = :baseline_version_id)"
)
def _insert_record(not_signed: str) -> str:
    return (
        "INSERT INTO acknowledgements (user_id, regulation_id, version_id, text_sha256, signed_name, signed_at, ip, "
        "user_agent, prev_hash, record_hash) SELECT :user_id, :regulation_id, :version_id, :text_sha256, :signed_name, "
        f":signed_at, :ip, :user_agent, :prev_hash, :record_hash {not_signed} RETURNING id"
    )


_INSERT_RECORD = _insert_record(_NOT_SIGNED)
# Within a re-attestation round, a record from before the round does not count.
_INSERT_RECORD_SINCE = _insert_record(_NOT_SIGNED[:-1] + " AND a.signed_at >= :signed_since)")
_AUDIT_COLUMNS = "INSERT INTO audit_events (at, actor_id, actor_label, action, target, detail, ip) "


def _typed(sql: str, *times: str) -> TextClause:
    # Times through SQLAlchemy's DateTime: SQLite then stores the text the ORM stores and reads.
    return text(sql).bindparams(*(bindparam(name, type_=DateTime()) for name in times))


def _append_pg(insert_record: str, *times: str) -> TextClause:
    """PostgreSQL: the record, its signature, the head and the audit event in one statement."""
    return _typed(
        f"WITH ins AS ({insert_record}), "
        "sig AS (INSERT INTO ack_signatures (ack_id, key_id, signature) SELECT id, :key_id, :signature FROM ins), "
        "head AS (UPDATE ack_chain_head SET last_ack_id = ins.id, last_hash = :record_hash, count = count + 1 "
        f"FROM ins WHERE ack_chain_head.id = {HEAD_ID}), "
        f"aud AS ({_AUDIT_COLUMNS}SELECT :at, :user_id, :actor_label, 'signed', :target, "
        "'ack ' || ins.id || ' sha256 ' || :text_sha256, :ip FROM ins) "
        "SELECT id FROM ins",
        "signed_at", "at", *times,
    )


_APPEND_PG = _append_pg(_INSERT_RECORD)
_APPEND_PG_SINCE = _append_pg(_INSERT_RECORD_SINCE, "signed_since")
_RECORD = _typed(_INSERT_RECORD, "signed_at")
_RECORD_SINCE = _typed(_INSERT_RECORD_SINCE, "signed_at", "signed_since")
_SIGNATURE = text("INSERT INTO ack_signatures (ack_id, key_id, signature) VALUES (:ack_id, :key_id, :signature)")
_HEAD = text(
    f"UPDATE ack_chain_head SET last_ack_id = :ack_id, last_hash = :record_hash, count = count + 1 WHERE id = {HEAD_ID}"
)
_AUDIT = _typed(f"{_AUDIT_COLUMNS}VALUES (:at, :user_id, :actor_label, 'signed', :target, :detail, :ip)", "at")
_CREATE_HEAD = text(
    f"INSERT INTO ack_chain_head (id, last_ack_id, last_hash, count) VALUES ({HEAD_ID}, 0, '{GENESIS_HASH}', 0)"
)


@contextmanager
def signers_in_line(session: Session) -> Iterator[None]:
    """On SQLite, signers queue on an exclusive ``flock`` of a file beside the database, taken before
    their transaction writes anything and held until it ends.  SQLite's own wait for its write lock is a
    sleep-and-retry loop (1, 2, 5, 10, 15, 20, 25 … ms): with many signers at once most of them slept
    while the lock was free.  The kernel wakes the next ``flock`` waiter the moment the holder releases
    (any process: every gunicorn worker).  PostgreSQL's row lock already queues that way: nothing there."""
    bind = session.get_bind()
    path = bind.engine.url.database if bind.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:") or _writing(session):
        yield
        return
    with open(f"{path}.signing.lock", "ab") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # releases the GIL while it waits
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _writing(session: Session) -> bool:
    """Whether this session's SQLite transaction has written already (it then holds SQLite's write lock:
    queueing for the flock behind a signer who waits for that lock would stall both)."""
    raw = session.connection().connection.dbapi_connection
    writing = bool(getattr(raw, "in_transaction", False))
    if writing:
        log.debug("signing inside a transaction that has written: SQLite's own lock queues it")
    return writing


def _take_head(session: Session) -> str:
    """Lock the head (other signers wait on this UPDATE until we commit) and read the last hash."""
    last = session.execute(_LOCK).scalar()
    if last is None:  # a database whose head row was never created
        session.execute(_CREATE_HEAD)
        return GENESIS_HASH
    return str(last)


def append(session: Session, draft: Draft, signer: RecordSigner) -> Linked:
    """Link ``draft`` after the chain's last record and store it, signed; the caller commits at once
    (the head stays locked until then).  Raises ``AlreadyInChain`` when the person has signed meanwhile."""
    prev = _take_head(session)
    digest = stamped_hash(draft.user_id, draft.regulation_id, draft.version_id, draft.text_sha256,
                          draft.signed_name, utc_stamp(draft.signed_at), draft.ip, draft.user_agent, prev)
    params: dict[str, object] = {
        "user_id": draft.user_id, "regulation_id": draft.regulation_id, "version_id": draft.version_id,
        "baseline_version_id": draft.baseline_version_id, "text_sha256": draft.text_sha256,
        "signed_name": draft.signed_name, "signed_at": draft.signed_at, "ip": draft.ip,
        "user_agent": draft.user_agent, "prev_hash": prev, "record_hash": digest,
        "key_id": signer.key_id, "signature": signer.sign_record(digest),
        "at": draft.signed_at, "actor_label": draft.actor_label, "target": draft.audit_target,
    }
    since = draft.signed_since is not None
    if since:
        params["signed_since"] = draft.signed_since
    if session.get_bind().dialect.name == "postgresql":
        ack_id = session.execute(_APPEND_PG_SINCE if since else _APPEND_PG, params).scalar()
    else:
        ack_id = _append_statements(session, params, _RECORD_SINCE if since else _RECORD)
    if ack_id is None:
        raise AlreadyInChain(f"user {draft.user_id} signed baseline {draft.baseline_version_id} meanwhile")
    return Linked(int(ack_id), prev, digest)


def _append_statements(session: Session, params: dict[str, object], record: TextClause) -> int | None:
    ack_id = session.execute(record, params).scalar()
    if ack_id is None:
        return None
    params = {**params, "ack_id": ack_id, "detail": f"ack {ack_id} sha256 {params['text_sha256']}"}
    session.execute(_SIGNATURE, params)
    session.execute(_HEAD, params)
    session.execute(_AUDIT, params)
    return int(ack_id)
