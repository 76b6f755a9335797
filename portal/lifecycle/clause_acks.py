"""Re-acknowledging only what changed: a signature after a substantive revision states, clause by clause,
which acknowledgement covers which clause version — this one for the changed and new clauses, the
signer's earlier one for the clauses whose text it already covered.

The list is stored beside the (insert-only, hash-chained) record in ``ack_clause_sets``, bound to the
record's hash by a digest that the server key signs; :func:`verify_clause_sets` recomputes every clause's
hash from the stored versions, checks each earlier acknowledgement really covered that text, and checks
the digest and its signature.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.acks.keys import RecordSigner, RecordVerifier
from portal.acks.models import Acknowledgement
from portal.lifecycle.models import AckClauseSet
from portal.lifecycle.quiz import clauses
from portal.releases.models import RegulationVersion

CLAUSES_TAG = b"handbook-ack-clauses-v1\n"


def clause_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _hashes(version: RegulationVersion) -> list[tuple[str, str, str]]:
    """(anchor, label, SHA-256 of the clause text) of a version's clauses, in order."""
    return [(c.anchor, c.label, clause_hash(c.text)) for c in clauses(version.document())]


def digest_of(record_hash: str, entries: list[dict[str, object]]) -> str:
    """Pure: the SHA-256 that binds a clause list to the record it belongs to."""
    payload = json.dumps({"record": record_hash, "clauses": entries}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _earlier(session: Session, ack: Acknowledgement, version: RegulationVersion) -> tuple[Acknowledgement, RegulationVersion] | None:
    """The signer's last earlier signature of this regulation on another text (a re-sign after a revision)."""
    row = session.execute(
        select(Acknowledgement, RegulationVersion).join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .where(Acknowledgement.user_id == ack.user_id, Acknowledgement.regulation_id == ack.regulation_id,
               Acknowledgement.id < ack.id, RegulationVersion.baseline_version_id != version.baseline_version_id)
        .order_by(Acknowledgement.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def record_clauses(session: Session, ack: Acknowledgement, signer: RecordSigner) -> AckClauseSet | None:
    """After a re-sign of a revised text, in the signature's transaction: which acknowledgement covers which clause."""
    version = session.get(RegulationVersion, ack.version_id)
    assert version is not None
    earlier = _earlier(session, ack, version)
    if earlier is None:
        return None  # a first signature covers the whole text; the record's text hash says it all
    before = {digest: anchor for anchor, _, digest in _hashes(earlier[1])}
    entries: list[dict[str, object]] = [
        {"anchor": anchor, "sha256": digest, "ack": earlier[0].id if digest in before else ack.id}
        for anchor, _, digest in _hashes(version)
    ]
    digest = digest_of(ack.record_hash, entries)
    row = AckClauseSet(ack_id=ack.id, clauses_json=json.dumps(entries, ensure_ascii=False), digest=digest,
                       key_id=signer.key_id, signature=signer.signature(CLAUSES_TAG, digest))
    session.add(row)
    return row


@dataclass(frozen=True)
class ClauseLine:
    anchor: str
    label: str
    covered_by: int  # the acknowledgement id
    now: bool  # acknowledged by this signature (changed or new)
    version_label: str  # the version the covering signature was given on


@dataclass(frozen=True)
class PendingSplit:
    """For the sign panel: how many clauses the signer confirms now, and how many stay acknowledged."""

    changed: int
    kept: int
    earlier_label: str


def pending_split(session: Session, user_id: int, version: RegulationVersion) -> PendingSplit | None:
    row = session.execute(
        select(RegulationVersion).join(Acknowledgement, Acknowledgement.version_id == RegulationVersion.id)
        .where(Acknowledgement.user_id == user_id, Acknowledgement.regulation_id == version.regulation_id,
               RegulationVersion.baseline_version_id != version.baseline_version_id)
        .order_by(Acknowledgement.id.desc()).limit(1)
    ).scalar()
    if row is None:
        return None
    before = {digest for _, _, digest in _hashes(row)}
    now = _hashes(version)
    kept = sum(1 for _, _, digest in now if digest in before)
    return PendingSplit(len(now) - kept, kept, row.label)


def clause_lines(session: Session, ack: Acknowledgement) -> list[ClauseLine] | None:
    """The receipt's clause list (None: the signature covered the whole text at once)."""
    row = session.get(AckClauseSet, ack.id)
    if row is None:
        return None
    version = session.get(RegulationVersion, ack.version_id)
    assert version is not None
    labels = {anchor: label for anchor, label, _ in _hashes(version)}
    lines = []
    for entry in json.loads(row.clauses_json):
        covering = session.get(Acknowledgement, entry["ack"])
        covering_version = session.get(RegulationVersion, covering.version_id) if covering else None
        lines.append(ClauseLine(entry["anchor"], labels.get(entry["anchor"], entry["anchor"]), entry["ack"],
                                entry["ack"] == ack.id, covering_version.label if covering_version else "?"))
    return lines


@dataclass(frozen=True)
class ClauseProblem:
    ack_id: int
    reason: str


def verify_clause_sets(session: Session, verifier: RecordVerifier | None) -> tuple[int, list[ClauseProblem]]:
    """Check every clause list against the stored texts, the earlier records and the server key."""
    problems: list[ClauseProblem] = []
    rows = session.execute(select(AckClauseSet, Acknowledgement).join(Acknowledgement, Acknowledgement.id == AckClauseSet.ack_id)
                           .order_by(AckClauseSet.ack_id)).all()
    for row, ack in rows:
        problems.extend(ClauseProblem(ack.id, reason) for reason in _problems(session, row, ack, verifier))
    return len(rows), problems


def _problems(session: Session, row: AckClauseSet, ack: Acknowledgement, verifier: RecordVerifier | None) -> list[str]:
    try:
        entries = json.loads(row.clauses_json)
    except ValueError:
        return ["条款清单无法读取"]
    found = []
    if digest_of(ack.record_hash, entries) != row.digest:
        found.append("条款清单与摘要不符（记录被改动）")
    if verifier is not None and (row.key_id != verifier.key_id or not verifier.valid(CLAUSES_TAG, row.digest, row.signature)):
        found.append("条款清单的服务器签名无效")
    version = session.get(RegulationVersion, ack.version_id)
    if version is None or [(e["anchor"], e["sha256"]) for e in entries] != [(a, d) for a, _, d in _hashes(version)]:
        found.append("条款哈希与所签版本的文本不符")
    for entry in entries:
        if entry["ack"] == ack.id:
            continue
        covering = session.get(Acknowledgement, entry["ack"])
        covering_version = session.get(RegulationVersion, covering.version_id) if covering else None
        if (covering is None or covering_version is None or covering.user_id != ack.user_id
                or covering.regulation_id != ack.regulation_id or covering.id > ack.id
                or entry["sha256"] not in {d for _, _, d in _hashes(covering_version)}):
            found.append(f"{entry['anchor']} 所引用的早先签署 #{entry['ack']} 并未确认该条文本")
    return found
