"""Signing a regulation version, and verifying the acknowledgement chain.

There is deliberately no function here (or anywhere) that updates or
deletes an acknowledgement.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Generator
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from domain.canonical import content_hash
from domain.serialize import document_from_dict
from portal.acks.chain import ChainBreak, ChainFields, ChainReport, StoredRecord, check_chain, record_hash
from portal.acks.models import GENESIS_HASH, AckChainHead, Acknowledgement
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.auth.passwords import verify_password
from portal.clock import Clock, naive_utc
from portal.errors import AlreadySigned, NotFound, ValidationFailed
from portal.releases.models import RegulationVersion

HEAD_ID = 1


@dataclass(frozen=True)
class SignRequest:
    user_id: int
    version_id: int
    confirmed: bool
    typed_name: str
    ip: str
    user_agent: str
    password: str | None = None


def comparable_name(name: str) -> str:
    """Names typed on a phone may carry full-width or stray spaces; compare without them."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def statement(title: str, version_label: str) -> str:
    """The sentence the signer confirms, exactly as shown next to the checkbox."""
    return f"本人已阅读并理解《{title}》（版本 {version_label}），承诺遵守"


def has_signed(session: Session, user_id: int, version: RegulationVersion) -> bool:
    """Whether a signature of this user counts for ``version`` (same baseline)."""
    return (
        session.scalar(
            select(Acknowledgement.id)
            .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
            .where(
                Acknowledgement.user_id == user_id,
                RegulationVersion.baseline_version_id == version.baseline_version_id,
            )
            .limit(1)
        )
        is not None
    )


def _validate(session: Session, request: SignRequest, require_password: bool) -> tuple[User, RegulationVersion]:
    user = session.get(User, request.user_id)
    version = session.get(RegulationVersion, request.version_id)
    if user is None or version is None:
        raise NotFound(f"user {request.user_id} or version {request.version_id}")
    errors: dict[str, str] = {}
    if version.regulation.current_version_id != version.id:
        raise ValidationFailed("not the current version", "该版本已被新版本取代，请签署现行版本。")
    if not request.confirmed:
        errors["confirm"] = "请勾选确认声明。"
    if comparable_name(request.typed_name) != comparable_name(user.name):
        errors["full_name"] = "请输入与账号一致的姓名。"
    if require_password and not verify_password(user.password_hash, request.password or ""):
        errors["password"] = "密码不正确。"
    if errors:
        raise ValidationFailed(f"sign form invalid: {sorted(errors)}", field_errors=errors)
    return user, version


def _lock_chain(session: Session) -> AckChainHead:
    """Take the chain's write lock: the UPDATE blocks other signers until we commit."""
    result = session.execute(
        update(AckChainHead).where(AckChainHead.id == HEAD_ID).values(count=AckChainHead.count)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        created = AckChainHead(id=HEAD_ID, last_ack_id=0, last_hash=GENESIS_HASH, count=0)
        session.add(created)
        session.flush()
        return created
    head = session.get(AckChainHead, HEAD_ID, populate_existing=True)
    assert head is not None
    return head


def sign(session: Session, clock: Clock, request: SignRequest, *, require_password: bool = False) -> Acknowledgement:
    """Append one acknowledgement to the chain.  The caller commits."""
    user, version = _validate(session, request, require_password)
    head = _lock_chain(session)
    if has_signed(session, user.id, version):
        raise AlreadySigned(f"user {user.id} already signed baseline {version.baseline_version_id}")
    fields = ChainFields(
        user_id=user.id,
        regulation_id=version.regulation_id,
        version_id=version.id,
        text_sha256=version.content_sha256,
        signed_name=user.name,
        signed_at=naive_utc(clock.now()),
        ip=request.ip[:64],
        user_agent=request.user_agent[:400],
        prev_hash=head.last_hash,
    )
    ack = Acknowledgement(
        user_id=fields.user_id,
        regulation_id=fields.regulation_id,
        version_id=fields.version_id,
        text_sha256=fields.text_sha256,
        signed_name=fields.signed_name,
        signed_at=fields.signed_at,
        ip=fields.ip,
        user_agent=fields.user_agent,
        prev_hash=fields.prev_hash,
        record_hash=record_hash(fields),
    )
    session.add(ack)
    session.flush()
    head.last_ack_id, head.last_hash, head.count = ack.id, ack.record_hash, head.count + 1
    audit(
        session, clock, "signed", actor=user, ip=request.ip,
        target=f"{version.regulation.slug}@{version.label}", detail=f"ack {ack.id} sha256 {version.content_sha256}",
    )
    return ack


def _stored_records(session: Session) -> Generator[StoredRecord, None, None]:
    rows = session.execute(
        select(
            Acknowledgement.id,
            Acknowledgement.user_id,
            Acknowledgement.regulation_id,
            Acknowledgement.version_id,
            Acknowledgement.text_sha256,
            Acknowledgement.signed_name,
            Acknowledgement.signed_at,
            Acknowledgement.ip,
            Acknowledgement.user_agent,
            Acknowledgement.prev_hash,
            Acknowledgement.record_hash,
            RegulationVersion.content_sha256,
        )
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .order_by(Acknowledgement.id)
        .execution_options(yield_per=5000)
    )
    try:
        for row in rows:
            yield StoredRecord(id=row[0], fields=ChainFields(*row[1:10]), stored_hash=row[10], version_sha256=row[11])
    finally:
        rows.close()  # a server-side cursor on PostgreSQL: close it when the walk stops early


def altered_version_text(session: Session) -> ChainBreak | None:
    """Re-hash every signed version's stored text: the signature binds the text, not only its stored hash."""
    signed = select(Acknowledgement.version_id).distinct().scalar_subquery()
    rows = session.execute(
        select(RegulationVersion.id, RegulationVersion.title, RegulationVersion.document_json,
               RegulationVersion.content_sha256).where(RegulationVersion.id.in_(signed)).order_by(RegulationVersion.id)
    )
    for version_id, title, document_json, stored in rows:
        if content_hash(document_from_dict(json.loads(document_json))) != stored:
            first = session.scalar(select(func.min(Acknowledgement.id)).where(Acknowledgement.version_id == version_id))
            return ChainBreak(int(first or 0), f"《{title}》（版本记录 {version_id}）的文本已被改动，与签署时的哈希不符")
    return None


def verify_chain(session: Session) -> ChainReport:
    """Recompute every record's hash in order; also check the head still points at the last one."""
    altered = altered_version_text(session)
    if altered is not None:
        return ChainReport(0, altered, GENESIS_HASH)
    records = _stored_records(session)
    try:
        report = check_chain(records)
    finally:
        records.close()
    if not report.ok:
        return report
    head = session.get(AckChainHead, HEAD_ID)
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_hash != report.last_hash:
        missing_id = head.last_ack_id if head else 0
        return ChainReport(report.checked, ChainBreak(missing_id, "链尾记录缺失（最后的记录被删除）"), report.last_hash)
    return report


def receipt_for(session: Session, user: User, ack_id: int) -> Acknowledgement:
    """A receipt for its signer and for HR; to anyone else it does not exist (no hint that it does)."""
    ack = session.get(Acknowledgement, ack_id)
    if ack is None or (ack.user_id != user.id and not user.is_hr):
        raise NotFound(f"receipt {ack_id} not visible to user {user.id}", "找不到该签署记录。")
    return ack
