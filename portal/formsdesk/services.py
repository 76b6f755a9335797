"""The forms desk's operations: drafts, submission, visibility, and the minutes workflow.

Every function takes its dependencies (session, clock, the acting user)
and raises the project's errors with Chinese messages; the caller commits.
The minutes follow the 市场营销中心会议管理制度: the recorder submits, the chair
reviews and signs or returns them with a comment, the signed minutes are
distributed to the attendees, and each attendee confirms receipt.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.errors import HandbookError, NotFound, PermissionDenied, ValidationFailed
from domain.model import ClauseRef, Document, FormTemplate, Section
from domain.serialize import document_from_dict
from forms.declarations import MINUTES, form_by_slug
from forms.render import render_filled
from forms.validation import Directory, FilledForm, compact, validate, with_system_values
from forms.values import DEFAULT_MAX_LENGTH
from portal.audit.services import record
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.formsdesk.models import DocumentEvent, FormDocument, FormDraft, MinutesRecipient
from portal.releases.services import current_versions

# Document numbers: prefix per form, then year and a sequence (HY-2026-0003).
NUMBER_PREFIX = {
    "annual-marketing-plan": "JH",
    "monthly-goal-plan": "MB",
    "goal-card": "MK",
    "sales-contract": "HT",
    "meeting-minutes": "HY",
}
STATUS_LABELS = {
    "submitted": "已提交",
    "returned": "已退回修改",
    "signed": "主持人已签署",
    "distributed": "已分发",
}
MINUTES_STATUS_LABELS = {**STATUS_LABELS, "submitted": "待主持人审核"}
EVENT_LABELS = {
    "submitted": "提交",
    "resubmitted": "修改后重新提交",
    "returned": "主持人退回",
    "signed": "主持人审核签署",
    "distributed": "分发给参会人员",
    "confirmed": "确认收到",
}
MAX_COMMENT = 1000
MAX_DRAFTS_PER_USER = 50


class WorkflowRefused(HandbookError):
    """A step that the document's current state does not allow."""

    user_message = "当前状态下不能进行此操作。"


# --- people ----------------------------------------------------------------------------------------------


def directory(session: Session) -> Directory:
    """The active users' names and their departments: what person and department fields may name."""
    rows = session.execute(select(User.name, User.department).where(User.active.is_(True))).all()
    return Directory(people={name for name, _ in rows}, departments={dep for _, dep in rows if dep})


def users_named(session: Session, name: str) -> list[User]:
    return list(session.scalars(select(User).where(User.name == name, User.active.is_(True)).order_by(User.id)))


# --- drafts ----------------------------------------------------------------------------------------------


def oversize_errors(template: FormTemplate, raw: Mapping[str, Any]) -> dict[str, str]:
    """Drafts may be incomplete, but never larger than the form allows (nothing absurd is stored)."""
    errors: dict[str, str] = {}

    def check(key: str, spec_max: int | None, kind: str, value: Any) -> None:
        limit = spec_max or DEFAULT_MAX_LENGTH.get(kind, 200)
        if isinstance(value, str) and len(value) > limit:
            errors[key] = f"最多{limit}个字，现为{len(value)}个字。"

    for spec in template.fields:
        if spec.type == "table":
            rows = raw.get(spec.name) or []
            if spec.max_rows is not None and len(rows) > spec.max_rows:
                errors[spec.name] = f"{spec.label}最多{spec.max_rows}行，现为{len(rows)}行。"
            for i, row in enumerate(rows):
                for column in spec.columns:
                    check(f"{spec.name}-{i}-{column.name}", column.max_length, column.type, row.get(column.name))
        else:
            check(spec.name, spec.max_length, spec.type, raw.get(spec.name))
    return errors


def save_draft(
    session: Session, clock: Clock, user: User, template: FormTemplate, raw: Mapping[str, Any], draft_id: int | None = None
) -> FormDraft:
    """Create or update the user's draft of ``template``."""
    values = compact(template, raw)
    if errors := oversize_errors(template, values):
        raise ValidationFailed(f"draft too large: {sorted(errors)}", "内容超出长度限制，草稿未保存。", field_errors=errors)
    now = naive_utc(clock.now())
    if draft_id is not None:
        draft = own_draft(session, user, draft_id)
        if draft.form_slug != template.slug:
            raise NotFound(f"draft {draft_id} is not a {template.slug}", "找不到该草稿。")
    else:
        count = session.scalar(select(func.count()).select_from(FormDraft).where(FormDraft.user_id == user.id)) or 0
        if count >= MAX_DRAFTS_PER_USER:
            raise ValidationFailed("too many drafts", f"草稿已达{MAX_DRAFTS_PER_USER}份上限，请先提交或删除旧草稿。")
        draft = FormDraft(user_id=user.id, form_slug=template.slug, created_at=now)
        session.add(draft)
    draft.values_json = json.dumps(values, ensure_ascii=False)
    draft.updated_at = now
    session.flush()
    return draft


def own_draft(session: Session, user: User, draft_id: int) -> FormDraft:
    draft = session.get(FormDraft, draft_id)
    if draft is None or draft.user_id != user.id:
        raise NotFound(f"no draft {draft_id} of user {user.id}", "找不到该草稿。")
    return draft


def draft_values(draft: FormDraft) -> dict[str, Any]:
    values: dict[str, Any] = json.loads(draft.values_json)
    return values


def drafts_of(session: Session, user: User) -> list[FormDraft]:
    return list(session.scalars(select(FormDraft).where(FormDraft.user_id == user.id).order_by(FormDraft.updated_at.desc())))


def discard_draft(session: Session, user: User, draft_id: int) -> None:
    session.delete(own_draft(session, user, draft_id))


# --- submission ----------------------------------------------------------------------------------------


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
    _event(session, document, user, kind, now)
    record(session, clock, "form_submitted", actor=user, target=document.number, detail=document.title)
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
    prefix = f"{NUMBER_PREFIX[template.slug]}-{year}-"
    last = session.scalar(select(func.max(FormDocument.number)).where(FormDocument.number.like(f"{prefix}%")))
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


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


# --- who sees what ---------------------------------------------------------------------------------------


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


# --- the minutes workflow ---------------------------------------------------------------------------------


def review(session: Session, clock: Clock, user: User, document: FormDocument, *, approve: bool, comment: str) -> None:
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
        _event(session, document, user, "signed", now, comment)
    else:
        if not comment:
            raise ValidationFailed("return without comment", field_errors={"comment": "退回时请写明修改意见。"})
        document.status = "returned"
        _event(session, document, user, "returned", now, comment)
        _rework_draft(session, document, now)
    document.updated_at = now
    record(session, clock, "minutes_signed" if approve else "minutes_returned", actor=user, target=document.number)


def _rework_draft(session: Session, document: FormDocument, now: Any) -> None:
    """The recorder gets the returned minutes back as a draft, linked to the document."""
    existing = session.scalar(select(FormDraft).where(FormDraft.document_id == document.id))
    if existing is None:
        session.add(
            FormDraft(user_id=document.author_id, form_slug=document.form_slug, values_json=document.values_json,
                      document_id=document.id, created_at=now, updated_at=now)
        )


def distribute(session: Session, clock: Clock, user: User, document: FormDocument) -> list[User]:
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
    _event(session, document, user, "distributed", now, f"{len(recipients)}人")
    record(session, clock, "minutes_distributed", actor=user, target=document.number, detail=f"{len(recipients)} recipients")
    return recipients


def attendee_users(session: Session, document: FormDocument) -> list[User]:
    names = [str(row.get("name", "")).strip() for row in document_values(document).get("attendees") or []]
    users: dict[int, User] = {}
    for name in names:
        for attendee in users_named(session, name):
            users[attendee.id] = attendee
    return list(users.values())


def confirm_receipt(session: Session, clock: Clock, user: User, document: FormDocument) -> None:
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
    _event(session, document, user, "confirmed", now)


def _require_minutes(document: FormDocument) -> None:
    if document.form_slug != MINUTES.slug:
        raise WorkflowRefused(f"{document.number} is not minutes", "只有会议纪要有审核和分发流程。")


def _event(session: Session, document: FormDocument, actor: User, kind: str, at: Any, comment: str = "") -> None:
    session.add(DocumentEvent(document_id=document.id, actor_id=actor.id, kind=kind, comment=comment, at=at))


# --- what a page shows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseLink:
    """A clause that requires a form, as the forms page cites it."""

    ref: ClauseRef
    document_title: str
    label: str  # 四、营销目标的实施 › 2、
    excerpt: str
    published: bool  # False: the regulation is not in the portal (yet), so no link


def clause_links(session: Session, refs: Sequence[ClauseRef]) -> list[ClauseLink]:
    """Each reference with the clause's heading and first words from the current published version."""
    versions = current_versions(session)
    documents: dict[str, Document] = {}
    links = []
    for ref in refs:
        version = versions.get(ref.document_slug)
        if version is None or version.regulation.retired:
            links.append(ClauseLink(ref, ref.document_slug, ref.anchor, "", published=False))
            continue
        if ref.document_slug not in documents:
            documents[ref.document_slug] = document_from_dict(json.loads(version.document_json))
        document = documents[ref.document_slug]
        path = _section_path(document.sections, ref.anchor)
        if not path:
            links.append(ClauseLink(ref, document.title, ref.anchor, "", published=True))
            continue
        label = " › ".join(section.label for section in path if section.label) or ref.anchor
        text = path[-1].text or path[-1].title
        links.append(ClauseLink(ref, document.title, label, text[:60] + ("…" if len(text) > 60 else ""), published=True))
    return links


def _section_path(sections: Sequence[Section], anchor: str) -> list[Section]:
    """The section with ``anchor`` and its ancestors, outermost first; empty when absent."""
    for section in sections:
        if section.anchor == anchor:
            return [section]
        if inner := _section_path(section.children, anchor):
            return [section, *inner]
    return []



@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    label: str
    actor: str
    at: Any
    comment: str


def timeline(session: Session, document: FormDocument) -> list[TimelineEntry]:
    rows = session.execute(
        select(DocumentEvent, User.name).join(User, User.id == DocumentEvent.actor_id)
        .where(DocumentEvent.document_id == document.id).order_by(DocumentEvent.at, DocumentEvent.id)
    ).all()
    return [TimelineEntry(e.kind, EVENT_LABELS.get(e.kind, e.kind), name, e.at, e.comment) for e, name in rows]


def recipients_of(session: Session, document: FormDocument) -> list[tuple[MinutesRecipient, str]]:
    rows = session.execute(
        select(MinutesRecipient, User.name).join(User, User.id == MinutesRecipient.user_id)
        .where(MinutesRecipient.document_id == document.id).order_by(User.name)
    ).all()
    return [(recipient, name) for recipient, name in rows]


@dataclass(frozen=True)
class Tasks:
    """What waits for the user in the minutes workflow."""

    to_review: Sequence[FormDocument] = ()
    to_rework: Sequence[FormDocument] = ()
    to_distribute: Sequence[FormDocument] = ()
    to_confirm: Sequence[FormDocument] = ()

    def __bool__(self) -> bool:
        return bool(self.to_review or self.to_rework or self.to_distribute or self.to_confirm)


def tasks_for(session: Session, user: User) -> Tasks:
    minutes = select(FormDocument).where(FormDocument.form_slug == MINUTES.slug).order_by(FormDocument.updated_at.desc())
    return Tasks(
        to_review=list(session.scalars(minutes.where(FormDocument.chair_id == user.id, FormDocument.status == "submitted"))),
        to_rework=list(session.scalars(minutes.where(FormDocument.author_id == user.id, FormDocument.status == "returned"))),
        to_distribute=list(
            session.scalars(
                minutes.where(FormDocument.status == "signed")
                .where((FormDocument.author_id == user.id) | (FormDocument.chair_id == user.id))
            )
        ),
        to_confirm=list(
            session.scalars(
                minutes.join(MinutesRecipient, MinutesRecipient.document_id == FormDocument.id)
                .where(MinutesRecipient.user_id == user.id, MinutesRecipient.confirmed_at.is_(None))
            )
        ),
    )


def status_label(document: FormDocument) -> str:
    labels = MINUTES_STATUS_LABELS if document.form_slug == MINUTES.slug else STATUS_LABELS
    return labels.get(document.status, document.status)
