"""What a proof of acknowledgement states about each record, and the record's check at printing time.

A proof is worth only what its record is: every record printed is verified on the way (its hash
recomputed from its fields, its links to the records before and after it in the chain, the hash of the
signed version's stored text, and the server's Ed25519 signature), and the proof says what was found.
Checking one record's neighbours is enough to show it sits unaltered in the chain at its position; the
whole chain is checked by ``handbook acks verify`` (portal.acks.services.verify_chain).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from domain.canonical import content_hash
from domain.serialize import document_from_dict
from portal.acks.chain import ChainFields, record_hash
from portal.acks.keys import RecordVerifier
from portal.acks.models import GENESIS_HASH, AckChainHead, Acknowledgement, AckSignature
from portal.auth.models import User
from portal.localtime import SECONDS, to_local
from portal.reading.titles import TitleMarks, same_title_marks
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord

HEAD_ID = 1


@dataclass(frozen=True)
class RecordCheck:
    """The outcome of checking one record when it is printed."""

    problems: tuple[str, ...]
    signature: str  # what was found about the server signature, in Chinese

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ProofRecord:
    """One acknowledgement as a proof prints it."""

    ack_id: int
    position: int  # 1-based place in the whole chain
    person_name: str
    employee_no: str
    department: str
    job_title: str
    signed_name: str
    regulation: str  # the title as the portal shows it (with its 之二 mark)
    version_label: str
    effective: dt.date
    text_sha256: str
    record_hash: str
    prev_hash: str
    signed_at_utc: dt.datetime  # naive UTC, as stored
    signed_at_local: str
    utc_offset: str  # "UTC+08:00" of the zone at that moment
    ip: str
    user_agent: str
    key_id: str | None
    check: RecordCheck

    @property
    def signed_at_utc_text(self) -> str:
        return self.signed_at_utc.strftime(SECONDS)


@dataclass(frozen=True)
class ProofScope:
    """Which records a proof holds: one person's, one version's, a regulation's or a department's."""

    user_id: int | None = None
    version_id: int | None = None
    regulation_id: int | None = None
    department: str | None = None  # also narrows the others (a manager's view)
    nobody: bool = False  # a manager without a department sees no one's records


@dataclass(frozen=True)
class ChainState:
    """What the records are checked against: the chain's length and head, and the key (None: no key)."""

    total: int
    head_hash: str
    verifier: RecordVerifier | None
    key_note: str = ""  # why signatures were not checked, when they were not
    version_hashes: dict[int, str] = field(default_factory=dict)  # version id → hash of its stored text now


def chain_state(session: Session, verifier: RecordVerifier | None, key_note: str = "") -> ChainState:
    head = session.get(AckChainHead, HEAD_ID)
    total = int(session.scalar(select(func.count()).select_from(Acknowledgement)) or 0)
    return ChainState(total, head.last_hash if head else GENESIS_HASH, verifier, key_note)


def _conditions(scope: ProofScope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if scope.user_id is not None:
        conditions.append(Acknowledgement.user_id == scope.user_id)
    if scope.version_id is not None:
        conditions.append(Acknowledgement.version_id == scope.version_id)
    if scope.regulation_id is not None:
        conditions.append(Acknowledgement.regulation_id == scope.regulation_id)
    if scope.department is not None:
        conditions.append(User.department == scope.department)
    return conditions


def _neighbours(session: Session, ack_ids: Sequence[int]) -> dict[int, tuple[int, str | None, str | None]]:
    """ack id → (position in the chain, the previous record's hash, the next record's prev_hash)."""
    ordered = select(
        Acknowledgement.id.label("id"),
        func.row_number().over(order_by=Acknowledgement.id).label("position"),
        func.lag(Acknowledgement.record_hash).over(order_by=Acknowledgement.id).label("before"),
        func.lead(Acknowledgement.prev_hash).over(order_by=Acknowledgement.id).label("after"),
    ).subquery()
    ids = sorted(set(ack_ids))
    found: dict[int, tuple[int, str | None, str | None]] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists (SQLite's variable limit)
        for r in session.execute(select(ordered).where(ordered.c.id.in_(ids[start:start + 500]))):
            found[int(r.id)] = (int(r.position), r.before, r.after)
    return found


def _version_hash(session: Session, state: ChainState, version: RegulationVersion) -> str:
    """The hash of the version's stored text as it is now, computed once per version."""
    if version.id not in state.version_hashes:
        state.version_hashes[version.id] = content_hash(document_from_dict(json.loads(version.document_json)))
    return state.version_hashes[version.id]


def check_record(ack: Acknowledgement, neighbours: tuple[int, str | None, str | None], version_hash: str,
                 version_sha256: str, signature: AckSignature | None, state: ChainState) -> RecordCheck:
    """Pure: every check one record can pass on its own and against its neighbours."""
    _position, before, after = neighbours
    problems = []
    fields = ChainFields(ack.user_id, ack.regulation_id, ack.version_id, ack.text_sha256, ack.signed_name,
                         ack.signed_at, ack.ip, ack.user_agent, ack.prev_hash)
    if record_hash(fields) != ack.record_hash:
        problems.append("记录内容与其哈希不符（记录被改动）")
    if ack.prev_hash != (before if before is not None else GENESIS_HASH):
        problems.append("前序哈希与链上前一条记录不符（记录被删除、插入或调换了顺序）")
    if (after if after is not None else state.head_hash) != ack.record_hash:
        problems.append("链上后一条记录（或链尾）没有指向本记录")
    if ack.text_sha256 != version_sha256 or version_hash != version_sha256:
        problems.append("签署的文本哈希与该版本现存的文本不符")
    return RecordCheck(tuple(problems), _signature_status(ack, signature, state, problems))


def _signature_status(ack: Acknowledgement, signature: AckSignature | None, state: ChainState, problems: list[str]) -> str:
    if state.verifier is None:
        return state.key_note or "服务器尚未生成签名密钥，仅校验了哈希"
    if signature is None:
        problems.append("记录没有服务器签名")
        return "缺失"
    if signature.key_id != state.verifier.key_id:
        problems.append(f"记录的签名来自另一把密钥（{signature.key_id}）")
        return "密钥不符"
    if not state.verifier.record_signature_ok(ack.record_hash, signature.signature):
        problems.append("服务器签名与记录不符")
        return "无效"
    return f"有效（Ed25519，密钥 {signature.key_id}）"


def title_marks(session: Session) -> TitleMarks:
    rows = session.execute(select(Regulation.id, Regulation.slug, Regulation.title).order_by(Regulation.position, Regulation.id)).all()
    return same_title_marks((int(i), str(s), str(t)) for i, s, t in rows)


def proof_records(session: Session, scope: ProofScope, state: ChainState, zone: dt.tzinfo) -> list[ProofRecord]:
    """The records in ``scope`` (by department, employee number, then chain order), each checked."""
    if scope.nobody:
        return []
    query = (
        select(Acknowledgement, User, RegulationVersion, ReleaseRecord)
        .join(User, User.id == Acknowledgement.user_id)
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .join(ReleaseRecord, ReleaseRecord.id == RegulationVersion.release_id)
        .where(*_conditions(scope))
        .order_by(User.department, User.employee_no, Acknowledgement.id)
    )
    rows = session.execute(query).all()
    ids = [ack.id for ack, *_ in rows]
    neighbours = _neighbours(session, ids)
    signatures = {s.ack_id: s for start in range(0, len(ids), 500)
                  for s in session.scalars(select(AckSignature).where(AckSignature.ack_id.in_(ids[start:start + 500])))}
    marks = title_marks(session)
    return [
        _proof_record(ack, user, version, release, neighbours[ack.id], signatures.get(ack.id), state, marks, zone,
                      _version_hash(session, state, version))
        for ack, user, version, release in rows
    ]


def _proof_record(ack: Acknowledgement, user: User, version: RegulationVersion, release: ReleaseRecord,
                  neighbours: tuple[int, str | None, str | None], signature: AckSignature | None, state: ChainState,
                  marks: TitleMarks, zone: dt.tzinfo, version_hash: str) -> ProofRecord:
    aware = ack.signed_at.replace(tzinfo=dt.UTC).astimezone(zone)
    offset = aware.strftime("%z")
    return ProofRecord(
        ack_id=ack.id, position=neighbours[0], person_name=user.name, employee_no=user.employee_no,
        department=user.department, job_title=user.position, signed_name=ack.signed_name,
        regulation=marks.name(version.title, version.regulation_id), version_label=release.version,
        effective=release.effective, text_sha256=ack.text_sha256, record_hash=ack.record_hash, prev_hash=ack.prev_hash,
        signed_at_utc=ack.signed_at, signed_at_local=to_local(ack.signed_at, zone).strftime(SECONDS),
        utc_offset=f"UTC{offset[:3]}:{offset[3:]}", ip=ack.ip, user_agent=ack.user_agent,
        key_id=signature.key_id if signature else None,
        check=check_record(ack, neighbours, version_hash, version.content_sha256, signature, state),
    )
