"""Signing a regulation version, and verifying the acknowledgement chain.

There is deliberately no function here (or anywhere) that updates or
deletes an acknowledgement.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import unicodedata
from collections.abc import Callable, Generator
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, make_transient_to_detached

from domain.canonical import content_hash
from domain.serialize import document_from_dict
from portal.acks.append import HEAD_ID, AlreadyInChain, Draft, Linked, append, signers_in_line
from portal.acks.chain import (
    ChainBreak,
    ChainFields,
    ChainReport,
    SignatureCheck,
    StoredRecord,
    utc_stamp,
)
from portal.acks.keys import (
    CHECKPOINT_TAG,
    RecordSigner,
    RecordVerifier,
    SigningKeyMissing,
    create_key,
    load_signer,
)
from portal.acks.models import GENESIS_HASH, AckChainHead, Acknowledgement, AckSignature
from portal.acks.walk import Progress, WalkStart, signature_problem, walk
from portal.assignments.models import Assignment
from portal.auth.models import User
from portal.auth.passwords import verify_password
from portal.clock import Clock, naive_utc
from portal.errors import AlreadySigned, HandbookError, NotFound, ValidationFailed
from portal.releases.models import RegulationVersion
from portal.reminders.services import SmtpSettings, smtp_connection
from portal.signing_status import counters

log = logging.getLogger(__name__)


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
    """Whether a signature of this user counts for ``version`` (same baseline, and within the
    assignment's re-attestation round when one is open: ``Assignment.signed_since``)."""
    since = round_start(session, user_id, version.regulation_id)
    query = (
        select(Acknowledgement.id)
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .where(
            Acknowledgement.user_id == user_id,
            RegulationVersion.baseline_version_id == version.baseline_version_id,
        )
    )
    if since is not None:
        query = query.where(Acknowledgement.signed_at >= since)
    return session.scalar(query.limit(1)) is not None


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


def signer_for(session: Session, key_path: Path) -> RecordSigner:
    """The server's signing key.  On a fresh installation (no record signed with a key yet) it is created
    here, and the records already there are signed; once records are signed, a missing key is an error:
    a new key would make every later signature unverifiable against the old ones' key."""
    try:
        return load_signer(key_path)
    except SigningKeyMissing as missing:
        if key_path.exists() or session.scalar(select(AckSignature.ack_id).limit(1)) is not None:
            log.error("%s", missing)
            raise
    try:
        signer = create_key(key_path)
    except FileExistsError:  # another worker created it a moment ago
        return load_signer(key_path)
    sign_unsigned_records(session, signer)
    return signer


def verifier_for(session: Session, key_path: Path) -> RecordVerifier | None:
    """The public half of the server key; None while no key exists and nothing is signed (hashes only)."""
    try:
        return load_signer(key_path).verifier
    except SigningKeyMissing:
        if key_path.exists() or session.scalar(select(AckSignature.ack_id).limit(1)) is not None:
            raise
        return None


def unsigned_count(session: Session) -> int:
    """Records without a server signature (a database older than signing)."""
    return int(session.scalar(
        select(func.count()).select_from(Acknowledgement)
        .outerjoin(AckSignature, AckSignature.ack_id == Acknowledgement.id).where(AckSignature.ack_id.is_(None))
    ) or 0)


def sign_unsigned_records(session: Session, signer: RecordSigner) -> int:
    """Sign the records written before records were signed (a database older than the key).  Only an
    intact chain is signed: signing altered records would vouch for them."""
    report = verify_chain(session, None)
    if not report.ok:
        assert report.first_break is not None
        raise ValidationFailed(
            f"refusing to sign records: the chain is broken at #{report.first_break.record_id}",
            f"签署链已损坏（第一条有问题的记录 #{report.first_break.record_id}：{report.first_break.reason}），"
            "不能为其签名。",
        )
    unsigned = session.scalars(
        select(Acknowledgement).outerjoin(AckSignature, AckSignature.ack_id == Acknowledgement.id)
        .where(AckSignature.ack_id.is_(None)).order_by(Acknowledgement.id)
    ).all()
    for ack in unsigned:
        session.add(AckSignature(ack_id=ack.id, key_id=signer.key_id, signature=signer.sign_record(ack.record_hash)))
    session.flush()
    if unsigned:
        log.warning("signed %d acknowledgement records written before signing (key %s)", len(unsigned), signer.key_id)
    return len(unsigned)


@dataclass(frozen=True)
class Signed:
    """A record just appended, for whatever is kept in step with signatures in the same transaction."""

    ack_id: int
    user_id: int
    regulation_id: int
    version_id: int
    baseline_version_id: int | None  # None never matches: as has_signed
    department: str


OnSigned = Callable[[Session, Signed], None]
"""Called by ``sign`` after the record is stored, before the caller commits (the same transaction).
On PostgreSQL it runs while the chain head is held: one statement, please."""


def count_signature(session: Session, signed: Signed) -> None:
    """The completion counters of the dashboard follow every signature in its own transaction."""
    counters.on_signed(session, signed.user_id, signed.regulation_id, signed.version_id)


def draft_for(
    user: User, version: RegulationVersion, request: SignRequest, clock: Clock, signed_since: dt.datetime | None = None
) -> Draft:
    return Draft(
        user_id=user.id, regulation_id=version.regulation_id, version_id=version.id,
        baseline_version_id=version.baseline_version_id, text_sha256=version.content_sha256,
        signed_name=user.name, signed_at=naive_utc(clock.now()), ip=request.ip[:64],
        user_agent=request.user_agent[:400], actor_label=f"{user.employee_no} {user.name}",
        audit_target=f"{version.regulation.slug}@{version.label}"[:300], signed_since=signed_since,
    )


def round_start(session: Session, user_id: int, regulation_id: int) -> dt.datetime | None:
    """When the person's open re-attestation round of the regulation began (portal/lifecycle), if one is open."""
    return session.scalar(
        select(Assignment.signed_since).where(Assignment.user_id == user_id, Assignment.regulation_id == regulation_id)
    )


def sign(
    session: Session, clock: Clock, request: SignRequest, *, signer: RecordSigner, require_password: bool = False,
    on_signed: OnSigned | None = None,
) -> Acknowledgement:
    """Append one acknowledgement to the chain, signed with the server's key, and **end the transaction**
    (with whatever else the session holds): commit, or roll back when refused.  The chain head is held
    from the first write to the commit, so the commit is part of the serialised step, as short as it can
    be (docs/acks-at-scale.md, "Signing")."""
    with session.no_autoflush:  # nothing written before the signer's turn (signers_in_line)
        user, version = _validate(session, request, require_password)
        draft = draft_for(user, version, request, clock, round_start(session, user.id, version.regulation_id))
    department = user.department or ""
    with signers_in_line(session):
        try:
            # The serialised part; "already signed" is decided there, by the INSERT (no query of its own).
            linked = append(session, draft, signer)
        except AlreadyInChain as signed:
            session.rollback()  # SQLite: let go of the write lock before the next signer's turn
            raise AlreadySigned(str(signed)) from signed
        # The one place to keep something in step with signatures: by default the dashboard's counters.
        (on_signed or count_signature)(session, Signed(linked.ack_id, draft.user_id, draft.regulation_id,
                                                       draft.version_id, draft.baseline_version_id, department))
        _push_signed(session, draft, linked)
        _forget_head(session)
        session.commit()
    return _as_loaded(session, draft, linked)  # after the commit: nothing of it expired, nothing re-read


def _push_signed(session: Session, draft: Draft, linked: Linked) -> None:
    """The signed-webhook outbox row, in the signature's transaction."""
    from portal.api.webhooks import (
        queue_signature,  # here: portal.api depends on portal.acks, not the reverse
    )

    queue_signature(session, Acknowledgement(
        id=linked.ack_id, user_id=draft.user_id, regulation_id=draft.regulation_id, version_id=draft.version_id,
        text_sha256=draft.text_sha256, signed_name=draft.signed_name, signed_at=draft.signed_at, ip=draft.ip,
        user_agent=draft.user_agent, prev_hash=linked.prev_hash, record_hash=linked.record_hash,
    ))


def _forget_head(session: Session) -> None:
    """The head was moved by plain SQL: a copy this session holds is stale."""
    head = session.identity_map.get(Session.identity_key(AckChainHead, HEAD_ID))
    if head is not None:
        session.expire(head)


def _as_loaded(session: Session, draft: Draft, linked: Linked) -> Acknowledgement:
    """The stored record as an ORM object of the session, without reading it back."""
    ack = Acknowledgement(
        id=linked.ack_id, user_id=draft.user_id, regulation_id=draft.regulation_id, version_id=draft.version_id,
        text_sha256=draft.text_sha256, signed_name=draft.signed_name, signed_at=draft.signed_at, ip=draft.ip,
        user_agent=draft.user_agent, prev_hash=linked.prev_hash, record_hash=linked.record_hash,
    )
    make_transient_to_detached(ack)
    session.add(ack)
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
            AckSignature.key_id,
            AckSignature.signature,
        )
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .outerjoin(AckSignature, AckSignature.ack_id == Acknowledgement.id)
        .order_by(Acknowledgement.id)
        .execution_options(yield_per=5000)
    )
    try:
        for row in rows:
            yield StoredRecord(id=row[0], fields=ChainFields(*row[1:10]), stored_hash=row[10], version_sha256=row[11],
                               key_id=row[12], signature=row[13])
    finally:
        rows.close()  # a server-side cursor on PostgreSQL: close it when the walk stops early


def altered_version_text(session: Session, after_id: int = 0) -> ChainBreak | None:
    """Re-hash every signed version's stored text (signed by a record after ``after_id``): the signature
    binds the text, not only its stored hash."""
    signed = select(Acknowledgement.version_id).where(Acknowledgement.id > after_id).distinct().scalar_subquery()
    rows = session.execute(
        select(RegulationVersion.id, RegulationVersion.title, RegulationVersion.document_json,
               RegulationVersion.content_sha256).where(RegulationVersion.id.in_(signed)).order_by(RegulationVersion.id)
    )
    for version_id, title, document_json, stored in rows:
        if content_hash(document_from_dict(json.loads(document_json))) != stored:
            first = session.scalar(select(func.min(Acknowledgement.id))
                                   .where(Acknowledgement.version_id == version_id, Acknowledgement.id > after_id))
            return ChainBreak(int(first or 0), f"《{title}》（版本记录 {version_id}）的文本已被改动，与签署时的哈希不符")
    return None


def signature_check(verifier: RecordVerifier) -> SignatureCheck:
    def problem(record: StoredRecord) -> str | None:
        return signature_problem(verifier, record.key_id, record.stored_hash, record.signature)

    return problem


def verify_chain(
    session: Session, verifier: RecordVerifier | None, *, workers: int = 1, progress: Progress | None = None
) -> ChainReport:
    """Re-hash every signed version's text, then every record in order, checking each record's server
    signature (``verifier=None`` checks the hashes only: before any key exists); also check the head
    still points at the last record."""
    altered = altered_version_text(session)
    if altered is not None:
        return ChainReport(0, altered, GENESIS_HASH)
    return _walk(session, verifier, workers, progress)


def _walk(session: Session, verifier: RecordVerifier | None, workers: int, progress: Progress | None) -> ChainReport:
    report = walk(session, verifier, workers=workers, progress=progress)
    return _with_head_check(session, report) if report.ok else report


def _with_head_check(session: Session, report: ChainReport) -> ChainReport:
    head = session.get(AckChainHead, HEAD_ID, populate_existing=True)
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_hash != report.last_hash:
        missing_id = head.last_ack_id if head else 0
        return ChainReport(report.checked, ChainBreak(missing_id, "链尾记录缺失（最后的记录被删除）"), report.last_hash)
    return report


CHECKPOINT_FORMAT = "handbook-ack-checkpoint-v1"


@dataclass(frozen=True)
class Checkpoint:
    """The chain's state at a moment, signed: kept outside the database (a file elsewhere, a mail),
    it pins every record up to it, so even someone holding the key cannot rewrite them unseen."""

    count: int
    last_ack_id: int
    head_hash: str
    created_at: str  # UTC, as record times are hashed
    key_id: str
    signature: str = ""

    def payload(self) -> str:
        fields = {k: v for k, v in asdict(self).items() if k != "signature"}
        return json.dumps({"format": CHECKPOINT_FORMAT, **fields}, sort_keys=True, separators=(",", ":"))

    def to_json(self) -> str:
        return json.dumps({"format": CHECKPOINT_FORMAT, **asdict(self)}, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        try:
            data = json.loads(text)
            if data.pop("format") != CHECKPOINT_FORMAT:
                raise ValueError("unknown format")
            checkpoint = cls(**data)
            if not (isinstance(checkpoint.count, int) and isinstance(checkpoint.last_ack_id, int)):
                raise ValueError("count and last_ack_id must be integers")
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise ValidationFailed(f"not a checkpoint: {error}", "这不是一个有效的签署链检查点文件。") from error
        return checkpoint


def make_checkpoint(session: Session, clock: Clock, signer: RecordSigner) -> Checkpoint:
    """A signed checkpoint of the chain as it stands, after verifying it (a broken chain is not pinned)."""
    report = verify_chain(session, signer.verifier)
    if not report.ok:
        assert report.first_break is not None
        raise ValidationFailed(
            f"refusing a checkpoint: the chain is broken at #{report.first_break.record_id}",
            f"签署链已损坏（#{report.first_break.record_id}：{report.first_break.reason}），不能生成检查点。",
        )
    head = session.get(AckChainHead, HEAD_ID)
    unsigned = Checkpoint(
        count=head.count if head else 0, last_ack_id=head.last_ack_id if head else 0,
        head_hash=head.last_hash if head else GENESIS_HASH, created_at=utc_stamp(clock.now()), key_id=signer.key_id,
    )
    return Checkpoint(**{**asdict(unsigned), "signature": signer.signature(CHECKPOINT_TAG, unsigned.payload())})


def mail_checkpoint(checkpoint: Checkpoint, smtp: SmtpSettings, recipients: list[str]) -> None:
    """Send the checkpoint as an attachment: a copy outside the server, dated by the mail system too."""
    message = EmailMessage()
    message["Subject"] = f"签署链检查点：{checkpoint.count} 条记录（{checkpoint.created_at}）"
    message["From"] = smtp.sender
    message["To"] = ", ".join(recipients)
    message.set_content(
        "附件是员工手册门户签署记录的检查点，请妥善保存在服务器之外。\n"
        f"记录数：{checkpoint.count}\n最后一条记录：#{checkpoint.last_ack_id}\n链尾哈希：{checkpoint.head_hash}\n"
        f"签名密钥：{checkpoint.key_id}\n\n核对方法：handbook acks verify --since 检查点文件\n"
    )
    name = f"ack-checkpoint-{checkpoint.last_ack_id}.json"
    message.add_attachment(checkpoint.to_json().encode("utf-8"), maintype="application", subtype="json", filename=name)
    try:
        with smtp_connection(smtp) as server:
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.error("mailing the checkpoint failed: %s", error)
        raise HandbookError(f"mailing the checkpoint failed: {error}", "检查点邮件发送失败，请检查邮件服务器设置。") from error


def verify_since(
    session: Session, verifier: RecordVerifier, checkpoint: Checkpoint, *, workers: int = 1
) -> ChainReport:
    """Verify only what came after a checkpoint: that the records up to it are still the ones it pinned
    (the pinned record's hash covers every record before it, and the count of records up to it), then the
    new records from the pinned hash on.  A rewrite by someone holding the key (every later hash and
    signature recomputed) changes the pinned record's hash; the records before the checkpoint were checked
    when it was made (``make_checkpoint`` refuses a broken chain), and the full walk rechecks them all."""
    if checkpoint.key_id != verifier.key_id or not verifier.valid(CHECKPOINT_TAG, checkpoint.payload(), checkpoint.signature):
        return ChainReport(0, ChainBreak(0, "检查点的签名无效（检查点被改动，或不是这把密钥签发的）"), GENESIS_HASH)
    if checkpoint.last_ack_id:
        pinned = session.scalar(select(Acknowledgement.record_hash).where(Acknowledgement.id == checkpoint.last_ack_id))
        if pinned != checkpoint.head_hash:
            return ChainReport(0, ChainBreak(
                checkpoint.last_ack_id, "与检查点不符：检查点所记的这条记录（或它之前的记录）已被改写"), GENESIS_HASH)
    before = session.scalar(
        select(func.count()).select_from(Acknowledgement).where(Acknowledgement.id <= checkpoint.last_ack_id)
    )
    if before != checkpoint.count:
        return ChainReport(0, ChainBreak(
            checkpoint.last_ack_id, f"与检查点不符：检查点之前应有 {checkpoint.count} 条记录，现有 {before} 条"), GENESIS_HASH)
    altered = altered_version_text(session, after_id=checkpoint.last_ack_id)
    if altered is not None:
        return ChainReport(0, altered, GENESIS_HASH)
    new = walk(session, verifier, WalkStart(checkpoint.last_ack_id, checkpoint.head_hash), workers=workers)
    # The records up to the checkpoint count as checked: the pinned hash vouches for them.
    report = ChainReport(checkpoint.count + new.checked, new.first_break, new.last_hash)
    return _with_head_check(session, report) if report.ok else report


def receipt_for(session: Session, user: User, ack_id: int) -> Acknowledgement:
    """A receipt for its signer and for HR; to anyone else it does not exist (no hint that it does)."""
    ack = session.get(Acknowledgement, ack_id)
    if ack is None or (ack.user_id != user.id and not user.is_hr):
        raise NotFound(f"receipt {ack_id} not visible to user {user.id}", "找不到该签署记录。")
    return ack
