"""The hash chain, as pure functions: what a record's hash covers, and checking a sequence.

A record's hash is the SHA-256 of a canonical JSON array holding a format
tag, the signer, the regulation, the version id, the SHA-256 of the
version's canonical text, the signed name, the UTC time (microseconds), the
IP, the user agent and the previous record's hash.  Changing any of them, or removing or reordering a
record, breaks the chain from that record on.  Each record's hash is also signed with the server's key
(portal.acks.keys): recomputing the chain after an edit then needs that key too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from portal.acks.models import GENESIS_HASH


@dataclass(frozen=True)
class ChainFields:
    user_id: int
    regulation_id: int
    version_id: int
    text_sha256: str
    signed_name: str
    signed_at: dt.datetime  # naive UTC
    ip: str
    user_agent: str
    prev_hash: str


FORMAT_TAG = "handbook-ack-v1"
# Compact JSON of a fixed-order array: canonical without sort_keys, and twice as fast
# as a dict (verification walks hundreds of thousands of records).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def utc_stamp(moment: dt.datetime) -> str:
    """The time as hashed: ISO 8601 with microseconds and a ``Z`` (naive values are UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def record_hash(fields: ChainFields) -> str:
    return values_hash(
        fields.user_id, fields.regulation_id, fields.version_id, fields.text_sha256, fields.signed_name,
        fields.signed_at, fields.ip, fields.user_agent, fields.prev_hash,
    )


def values_hash(
    user_id: int, regulation_id: int, version_id: int, text_sha256: str, signed_name: str,
    signed_at: dt.datetime, ip: str, user_agent: str, prev_hash: str,
) -> str:
    """``record_hash`` of plain values: the verification walk hashes database rows without building objects."""
    return stamped_hash(user_id, regulation_id, version_id, text_sha256, signed_name, utc_stamp(signed_at),
                        ip, user_agent, prev_hash)


def stamped_hash(
    user_id: int, regulation_id: int, version_id: int, text_sha256: str, signed_name: str,
    stamp: str, ip: str, user_agent: str, prev_hash: str,
) -> str:
    """The hash with the time already in its hashed form (``utc_stamp``)."""
    payload = [FORMAT_TAG, user_id, regulation_id, version_id, text_sha256, signed_name, stamp, ip, user_agent,
               prev_hash]
    return hashlib.sha256(_ENCODER.encode(payload).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredRecord:
    id: int
    fields: ChainFields
    stored_hash: str
    version_sha256: str  # the hash of the version's text as stored with the version
    key_id: str | None = None  # the signature's key, None when the record has no signature
    signature: str | None = None


@dataclass(frozen=True)
class ChainBreak:
    record_id: int
    reason: str  # Chinese, shown to the operator


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None
    last_hash: str

    @property
    def ok(self) -> bool:
        return self.first_break is None


SignatureCheck = Callable[[StoredRecord], "str | None"]
"""Checks a record's server signature: None when it is good, else the reason (Chinese)."""


def check_chain(records: Iterable[StoredRecord], signature_problem: SignatureCheck | None = None) -> ChainReport:
    """Walk the records in id order; stop at the first that does not fit."""
    expected_prev = GENESIS_HASH
    checked = 0
    for record in records:
        checked += 1
        problem = _problem(record, expected_prev, signature_problem)
        if problem is not None:
            return ChainReport(checked, ChainBreak(record.id, problem), expected_prev)
        expected_prev = record.stored_hash
    return ChainReport(checked, None, expected_prev)


def _problem(record: StoredRecord, expected_prev: str, signature_problem: SignatureCheck | None) -> str | None:
    if record.fields.prev_hash != expected_prev:
        return "前序哈希与上一条记录不符（记录被删除、插入或调换了顺序）"
    if record_hash(record.fields) != record.stored_hash:
        return "记录内容与其哈希不符（记录被改动）"
    if record.fields.text_sha256 != record.version_sha256:
        return "签署的文本哈希与该版本不符"
    return signature_problem(record) if signature_problem is not None else None
