"""The minutes workflow of the 市场营销中心会议管理制度: the recorder submits, the chair
reviews and signs or returns them with a comment, the signed minutes are
distributed to the attendees, and each attendee confirms receipt.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import PermissionDenied, ValidationFailed
from forms.declarations import MINUTES
from portal.audit.services import record
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.formsdesk.filing import document_values, record_event
from portal.formsdesk.models import FormDocument, FormDraft, MinutesRecipient
from portal.formsdesk.people import users_named
from portal.formsdesk.terms import MAX_COMMENT, WorkflowRefused


def review(
    session: Session, clock: Clock, user: User, document: FormDocument, *, approve: bool, comment: str, ip: str = ""
) -> None:
    """The chair signs the submitted minutes, or returns them to the recorder with a comment."""
    _require_minutes(document)
    if document.chair_id != user.id:
        raise PermissionDenied(f"user {user.id} is not the chair of {document.number}", "只有会议主持人可以审核签署会议纪要。")
    if document.status != "submitted":
        raise WorkflowRefused(f"{document.number} is {document.status}", "该纪要不在待审核状态。")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed("comment too long", field_errors={"comment": f"意见最多{MAX_COMMENT}个字。"})
    now = naive_utc(clock.now())
    if approve:
        document.status = "signed"
        document.signed_at = now
        record_event(session, document, user, "signed", now, comment)
    else:
        if not comment:
            raise ValidationFailed("return without comment", field_errors={"comment": "退回时请写明修改意见。"})
        document.status = "returned"
        record_event(session, document, user, "returned", now, comment)
        _rework_draft(session, document, now)
    document.updated_at = now
    record(session, clock, "minutes_signed" if approve else "minutes_returned", actor=user, target=document.number, ip=ip)


def _rework_draft(session: Session, document: FormDocument, now: Any) -> None:
    """The recorder gets the returned minutes back as a draft, linked to the document."""
    existing = session.scalar(select(FormDraft).where(FormDraft.document_id == document.id))
    if existing is None:
        session.add(
            FormDraft(user_id=document.author_id, form_slug=document.form_slug, values_json=document.values_json,
                      document_id=document.id, created_at=now, updated_at=now)
        )


def distribute(session: Session, clock: Clock, user: User, document: FormDocument, ip: str = "") -> list[User]:
    """Send the signed minutes to every attendee who has an account; returns them."""
    _require_minutes(document)
    if user.id not in (document.author_id, document.chair_id):
        raise PermissionDenied(f"user {user.id} may not distribute {document.number}", "只有记录人或主持人可以分发会议纪要。")
    if document.status != "signed":
        raise WorkflowRefused(f"{document.number} is {document.status}", "会议纪要须经主持人签署后才能分发。")
    now = naive_utc(clock.now())
    recipients = attendee_users(session, document)
    for attendee in recipients:
        session.add(MinutesRecipient(document_id=document.id, user_id=attendee.id, distributed_at=now))
    document.status = "distributed"
    document.distributed_at = now
    document.updated_at = now
    record_event(session, document, user, "distributed", now, f"{len(recipients)}人")
    record(session, clock, "minutes_distributed", actor=user, target=document.number, detail=f"分发给 {len(recipients)} 人", ip=ip)
    return recipients


def attendee_users(session: Session, document: FormDocument) -> list[User]:
    names = [str(row.get("name", "")).strip() for row in document_values(document).get("attendees") or []]
    users: dict[int, User] = {}
    for name in names:
        for attendee in users_named(session, name):
            users[attendee.id] = attendee
    return list(users.values())


def confirm_receipt(session: Session, clock: Clock, user: User, document: FormDocument, ip: str = "") -> None:
    _require_minutes(document)
    recipient = session.scalar(
        select(MinutesRecipient).where(MinutesRecipient.document_id == document.id, MinutesRecipient.user_id == user.id)
    )
    if recipient is None:
        raise PermissionDenied(f"user {user.id} did not receive {document.number}", "该会议纪要没有分发给您。")
    if recipient.confirmed_at is not None:
        raise WorkflowRefused("already confirmed", "您已确认收到，无需重复确认。")
    now = naive_utc(clock.now())
    recipient.confirmed_at = now
    record_event(session, document, user, "confirmed", now)
    record(session, clock, "minutes_confirmed", actor=user, target=document.number, ip=ip)


def _require_minutes(document: FormDocument) -> None:
    if document.form_slug != MINUTES.slug:
        raise WorkflowRefused(f"{document.number} is not minutes", "只有会议纪要有审核和分发流程。")
