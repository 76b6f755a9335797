"""Submitted documents: submission (validation, numbering, the chair of minutes), their content and .docx, and who sees what.

Services take their dependencies as arguments and raise the project's errors; the request commits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import HandbookError, NotFound, PermissionDenied, ValidationFailed
from domain.model import FormTemplate
from forms.declarations import MINUTES, form_by_slug
from forms.render import render_filled
from forms.validation import FilledForm, compact, validate, with_system_values
from portal.audit.services import record
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.formsdesk.drafts import own_draft
from portal.formsdesk.models import DocumentEvent, FormDocument, MinutesRecipient
from portal.formsdesk.people import directory, users_named
from portal.formsdesk.terms import NUMBER_PREFIX, WorkflowRefused
from portal.sequences import take_next


@dataclass(frozen=True)
class Submitted:
    document: FormDocument
    warnings: Mapping[str, str] = field(default_factory=dict)


def submit(
    session: Session,
    clock: Clock,
    user: User,
    template: FormTemplate,
    raw: Mapping[str, Any],
    draft_id: int | None = None,
    ip: str = "",
) -> Submitted:
    """Validate against the roster and store the document (or the reworked minutes); the draft goes."""
    draft = own_draft(session, user, draft_id) if draft_id is not None else None
    values = compact(template, raw)
    filled = validate(template, values, directory(session))
    chair = _chair_of(session, filled) if template.slug == MINUTES.slug else None
    now = naive_utc(clock.now())
    reworked = session.get(FormDocument, draft.document_id) if draft is not None and draft.document_id else None
    if reworked is not None:
        if reworked.status != "returned" or reworked.author_id != user.id:
            raise WorkflowRefused(f"document {reworked.number} is {reworked.status}")
        document = reworked
        document.revision += 1
        kind = "resubmitted"
    else:
        document = FormDocument(
            number=_next_number(session, template, now.year),
            form_slug=template.slug,
            author_id=user.id,
            revision=1,
            created_at=now,
        )
        session.add(document)
        kind = "submitted"
    document.title = document_title(template, filled)[:200]
    document.department = str(filled.values.get("department") or user.department or "未分部门")
    document.values_json = json.dumps(values, ensure_ascii=False)
    document.status = "submitted"
    document.chair_id = chair.id if chair else None
    document.updated_at = now
    session.flush()
    record_event(session, document, user, kind, now)
    record(session, clock, "form_submitted", actor=user, target=document.number, detail=document.title, ip=ip)
    if draft is not None:
        session.delete(draft)
    return Submitted(document, filled.warnings)


def _chair_of(session: Session, filled: FilledForm) -> User:
    name = str(filled.values["chair"])
    users = users_named(session, name)
    if len(users) != 1:
        raise ValidationFailed(
            f"chair {name!r} matches {len(users)} users",
            field_errors={"chair": f"员工名册中有{len(users)}位“{name}”，无法确定由谁审核签署，请联系管理员。"},
        )
    return users[0]


def _next_number(session: Session, template: FormTemplate, year: int) -> str:
    """``HY-2026-0004``: the form's prefix, the year and the next number of both (atomic: portal.sequences)."""
    prefix = f"{NUMBER_PREFIX[template.slug]}-{year}"
    return f"{prefix}-{take_next(session, f'form:{prefix}'):04d}"


def document_title(template: FormTemplate, filled: FilledForm) -> str:
    """A one-line name for lists: the meeting's name, the room and customer, the plan's year."""
    v = filled.values
    titles = {
        "annual-marketing-plan": lambda: f"{v['plan_year']}年度营销计划（{v['department']}）",
        "monthly-goal-plan": lambda: f"{v['department']} {v['plan_month']} 月度目标与PDCA计划",
        "goal-card": lambda: f"{v['owner']} 目标管理卡（{v['period_start']}至{v['period_end']}）",
        "sales-contract": lambda: f"{v['project']} {v['room_no']} {v['customer_name']}（合同号 {v['contract_no']}）",
        "meeting-minutes": lambda: f"{v['meeting_name']}（{v['meeting_date']}）",
    }
    return titles[template.slug]()


def document_values(document: FormDocument) -> dict[str, Any]:
    values: dict[str, Any] = json.loads(document.values_json)
    return values


def filled_document(session: Session, document: FormDocument) -> FilledForm:
    """The document's clean values, with the chair's signature once signed."""
    template = form_by_slug(document.form_slug)
    try:
        filled = validate(template, document_values(document))
    except ValidationFailed as exc:
        raise HandbookError(f"stored values of {document.number} no longer validate", "该文件的数据不符合当前表单规则，无法生成文档。") from exc
    if document.signed_at is not None and document.chair_id is not None:
        chair = session.get(User, document.chair_id)
        filled = with_system_values(filled, {"approved_by": chair.name if chair else "", "approved_on": document.signed_at.date().isoformat()})
    return filled


def document_docx(session: Session, document: FormDocument) -> bytes:
    return render_filled(filled_document(session, document))




def document_by_number(session: Session, number: str) -> FormDocument:
    document = session.scalar(select(FormDocument).where(FormDocument.number == number))
    if document is None:
        raise NotFound(f"no document {number}", "找不到该文件。")
    return document


def can_view(session: Session, user: User, document: FormDocument) -> bool:
    """Author, same department, HR/admin, and for minutes the chair and the attendees it reached."""
    if user.is_hr or document.author_id == user.id or document.chair_id == user.id:
        return True
    if user.department and user.department == document.department:
        return True
    recipient = session.scalar(
        select(MinutesRecipient.id).where(MinutesRecipient.document_id == document.id, MinutesRecipient.user_id == user.id)
    )
    return recipient is not None


def viewable_document(session: Session, user: User, number: str) -> FormDocument:
    document = document_by_number(session, number)
    if not can_view(session, user, document):
        raise PermissionDenied(f"user {user.id} may not see {number}")
    return document


def departments_visible_to(session: Session, user: User) -> list[str]:
    if user.is_hr:
        return sorted({d for d in session.scalars(select(FormDocument.department).distinct())} | ({user.department} - {""}))
    return [user.department] if user.department else []


def documents_of_department(session: Session, user: User, department: str) -> list[FormDocument]:
    if department not in departments_visible_to(session, user):
        raise PermissionDenied(f"user {user.id} may not list department {department!r}", "您只能查看本部门的文件。")
    return list(
        session.scalars(select(FormDocument).where(FormDocument.department == department).order_by(FormDocument.created_at.desc(), FormDocument.id.desc()))
    )


def record_event(session: Session, document: FormDocument, actor: User, kind: str, at: Any, comment: str = "") -> None:
    session.add(DocumentEvent(document_id=document.id, actor_id=actor.id, kind=kind, comment=comment, at=at))


# --- what a page shows -----------------------------------------------------------------------------------
