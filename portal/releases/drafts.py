"""Drafts of a revision: upload → import → preview and diff → submit → approve (four eyes) → publish.

Nothing of a draft is in force until it is published.  The documents of a
draft revise the regulations HR matched them to (by title, unless HR
changes the match or marks one new); every other regulation stays in force
untouched.  The approver sees the same plan and diff as HR; approval by the
draft's own author is refused unless the company allows self-approval.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import HandbookError, NotFound, ValidationFailed
from domain.model import Handbook, Release
from domain.serialize import release_from_dict, release_to_dict
from knowledge.xrefs import BrokenReference, broken_by_revision
from portal.access import Role
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.errors import PublishRefused
from portal.releases.applicability import (
    Applicability,
    Departments,
    departments_of,
    effect,
    label,
    normalised,
)
from portal.releases.everywhere import documents_in_force
from portal.releases.models import Draft, Regulation, ReleaseRecord
from portal.releases.services import PlannedDocument, plan_release
from portal.releases.sources import import_sources, release_of
from portal.tasks.isolation import Limits, run_limited
from publishing.releases import check_version

STATUS_LABELS = {
    "importing": "导入中",
    "failed": "导入失败",
    "draft": "草稿",
    "submitted": "待审批",
    "rejected": "已退回",
    "scheduled": "已批准，待生效",
    "approved": "已批准，发布中",
    "published": "已发布",
}
EDITABLE = frozenset({"draft", "rejected"})


@dataclass(frozen=True)
class NewDraft:
    version: str
    effective: dt.date
    title: str = ""


def create_draft(session: Session, clock: Clock, new: NewDraft, actor: User) -> Draft:
    version = check_version(new.version.strip())
    taken = session.scalar(select(ReleaseRecord.id).where(ReleaseRecord.version == version))
    if taken:
        raise ValidationFailed(f"release {version} exists", f"版本 {version} 已经发布过，请使用新的版本号。",
                               field_errors={"version": "该版本号已经发布过。"})
    draft = Draft(version=version, title=new.title.strip(), effective=new.effective, status="importing",
                  created_by_id=actor.id, created_at=naive_utc(clock.now()))
    session.add(draft)
    session.flush()
    return draft


def import_into_draft(session: Session, draft_id: int, files: Sequence[Path], limits: Limits | None = None) -> Draft:
    """The import task's work: the importer's own message reaches HR when a file is refused.

    With ``limits`` the importer runs in a child process under them: a file that needs more memory or time
    fails the draft with the reason, and the consumer running the task lives on."""
    draft = _load(session, draft_id)
    try:
        handbook = run_limited(limits, import_sources, list(files)) if limits else import_sources(list(files))
        if not handbook.documents:
            raise HandbookError("nothing imported", "上传的文件中没有识别出任何制度。")
    except HandbookError as error:
        draft.status, draft.comment = "failed", error.user_message
        session.commit()
        raise
    release = release_of(handbook, draft.version, draft.effective, draft.title)
    draft.release_json = json.dumps(release_to_dict(release), ensure_ascii=False)
    draft.report_json = json.dumps(_report(handbook), ensure_ascii=False)
    draft.matches_json = json.dumps(auto_matches(session, release), ensure_ascii=False)
    draft.status = "draft"
    return draft


def _report(handbook: Handbook) -> dict[str, object]:
    report = handbook.report
    return {
        "dropped": [{"text": d.text, "reason": d.reason} for d in report.dropped],
        "changed": len(report.changed),
        "warnings": [*report.warnings, *(w for d in handbook.documents for w in d.warnings)],
    }


def auto_matches(session: Session, release: Release) -> dict[str, str]:
    """Uploaded slug → the regulation in force it revises: same slug, else same title; "" = new."""
    in_force = session.execute(select(Regulation.slug, Regulation.title).where(Regulation.retired.is_(False))).all()
    by_slug = {slug for slug, _ in in_force}
    by_title = {title: slug for slug, title in in_force}
    return {d.slug: d.slug if d.slug in by_slug else by_title.get(d.title, "") for d in release.documents}


def set_match(session: Session, draft: Draft, slug: str, target: str) -> None:
    _editable(draft)
    matches = json.loads(draft.matches_json)
    if slug not in matches:
        raise ValidationFailed(f"{slug} not in draft", "草稿中没有这项制度。")
    if target and not session.scalar(select(Regulation.id).where(Regulation.slug == target)):
        raise ValidationFailed(f"no regulation {target}", "所选的现行制度不存在。")
    if target and target in {v for k, v in matches.items() if k != slug}:
        raise ValidationFailed(f"{target} matched twice", "同一项现行制度不能被两份上传文件修订。")
    matches[slug] = target
    draft.matches_json = json.dumps(matches, ensure_ascii=False)


def draft_release(session: Session, draft: Draft) -> Release:
    """The release to publish: each document under the slug of the regulation it revises."""
    if not draft.release_json:
        raise PublishRefused(f"draft {draft.id} has no import", "草稿尚未导入完成。")
    release = release_from_dict(json.loads(draft.release_json))
    matches: dict[str, str] = json.loads(draft.matches_json)
    taken = set(session.scalars(select(Regulation.slug)).all())
    documents = []
    for document in release.documents:
        target = matches.get(document.slug, "")
        slug = target or _free_slug(document.slug, taken - {target})
        taken.add(slug)
        documents.append(dataclasses.replace(document, slug=slug))
    return dataclasses.replace(release, documents=tuple(documents), notes=draft.summary)


def _free_slug(slug: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


def final_slugs(session: Session, draft: Draft) -> dict[str, str]:
    """Uploaded slug → the slug the document is published under (the regulation it revises, or a new one)."""
    uploaded = release_from_dict(json.loads(draft.release_json)).documents
    return {u.slug: d.slug for u, d in zip(uploaded, draft_release(session, draft).documents, strict=True)}


def chosen_departments(draft: Draft) -> dict[str, Departments]:
    """Uploaded slug → the departments HR chose; slugs without a choice keep the version in force's."""
    stored: dict[str, list[str]] = json.loads(draft.departments_json or "{}")
    return {slug: normalised(names) for slug, names in stored.items()}


def publish_departments(session: Session, draft: Draft) -> dict[str, Departments]:
    """HR's choices keyed by the published slug, for :class:`portal.releases.services.PublishRequest`."""
    chosen = chosen_departments(draft)
    return {final: chosen[uploaded] for uploaded, final in final_slugs(session, draft).items() if uploaded in chosen}


def applicability(session: Session, draft: Draft) -> dict[str, Applicability]:
    """Per uploaded slug: whom its version will apply to, the version in force's choice, and the effect."""
    chosen = chosen_departments(draft)
    in_force = {slug: (regulation_id, version_id) for slug, regulation_id, version_id in session.execute(
        select(Regulation.slug, Regulation.id, Regulation.current_version_id).where(Regulation.current_version_id.is_not(None)))}
    result = {}
    for uploaded, final in final_slugs(session, draft).items():
        regulation_id, version_id = in_force.get(final, (None, None))
        current = departments_of(session, version_id) if regulation_id is not None else None
        departments = chosen.get(uploaded, current or ())
        people, ending = effect(session, regulation_id, departments)
        result[uploaded] = Applicability(departments, current, uploaded in chosen, people, ending)
    return result


def parse_choice(scope: str, names: Sequence[str]) -> Departments:
    """The form's answer: every department, or only the ticked ones (at least one)."""
    if scope == "all":
        return ()
    if scope != "some":
        raise ValidationFailed(f"scope {scope!r}", "请选择适用范围。")
    choice = normalised(names)
    if not choice:
        raise ValidationFailed("no department ticked", "请至少选择一个部门，或选择“全部部门”。")
    return choice


def set_departments(
    session: Session, clock: Clock, draft: Draft, slug: str, departments: Departments, known: set[str], actor: User
) -> None:
    """HR chooses whom one regulation of the draft applies to (``()`` = every department), audited.

    ``known`` are the departments one may choose (those with people); a department the version in force
    already lists stays choosable, so keeping a choice never fails because a department emptied."""
    _editable(draft)
    slugs = final_slugs(session, draft)
    if slug not in slugs:
        raise ValidationFailed(f"{slug} not in draft", "草稿中没有这项制度。")
    choice = normalised(departments)
    in_force = session.scalar(select(Regulation.current_version_id).where(Regulation.slug == slugs[slug]))
    unknown = [d for d in choice if d not in known and d not in departments_of(session, in_force)]
    if unknown:
        raise ValidationFailed(f"unknown departments {unknown}", f"没有名为“{unknown[0]}”的部门（只能选择已有人员的部门）。")
    stored = json.loads(draft.departments_json or "{}")
    stored[slug] = list(choice)
    draft.departments_json = json.dumps(stored, ensure_ascii=False)
    title = next(d.title for d in release_from_dict(json.loads(draft.release_json)).documents if d.slug == slug)
    audit(session, clock, "draft_departments", actor=actor, target=f"版本 {draft.version}",
          detail=f"《{title}》适用范围：{label(choice)}")


def plan_of(session: Session, draft: Draft) -> list[PlannedDocument]:
    """What publishing the draft would do, per document (no writes)."""
    return plan_release(session, draft_release(session, draft))


@dataclass(frozen=True)
class BrokenWarning:
    """A reference the draft would break, for the preview: who cites, what was cited, what happens."""

    citing: str  # title of the regulation whose text holds the reference
    cited: str  # title of the regulation it pointed into
    message: str


def broken_references(session: Session, draft: Draft) -> list[BrokenWarning]:
    """References of the handbook in force that publishing the draft would break (a cited clause removed
    or renumbered), in this regulation or in the others that cite it: warnings for the preview (issue 13)."""
    before = documents_in_force(session)
    revised = {planned.document.slug: planned.document for planned in plan_of(session, draft)}
    after = [revised.pop(document.slug, document) for document in before] + list(revised.values())
    titles = {document.slug: document.title for document in (*before, *after)}
    return [_warning(broken, titles) for broken in broken_by_revision(before, after)]


def _warning(broken: BrokenReference, titles: dict[str, str]) -> BrokenWarning:
    citing = broken.reference.source.document_slug
    return BrokenWarning(titles.get(citing, citing), titles.get(broken.was.document_slug, broken.was.document_slug),
                         broken.message)


def submit(session: Session, clock: Clock, draft: Draft, summary: str, editorial: bool, actor: User) -> None:
    _editable(draft)
    if not summary.strip():
        raise ValidationFailed("empty summary", "请填写变更摘要。", field_errors={"summary": "请填写变更摘要。"})
    planned = plan_of(session, draft)
    substantive = [p.document.title for p in planned if p.status in ("new", "substantive")]
    if editorial and substantive:  # HR may only make the suggestion stricter, never lighter
        raise ValidationFailed(
            "editorial with substantive changes",
            "以下制度有实质性变化，不能声明为文字修订：" + "、".join(substantive),
        )
    draft.summary, draft.editorial, draft.status, draft.comment = summary.strip(), editorial, "submitted", ""
    audit(session, clock, "draft_submitted", actor=actor, target=f"版本 {draft.version}", detail=draft.summary)


def may_approve(user: User, draft: Draft, *, allow_self: bool) -> bool:
    if not (user.has_role(Role.APPROVER) or user.has_role(Role.ADMIN)):
        return False
    return allow_self or user.id != draft.created_by_id


def approve(session: Session, clock: Clock, draft: Draft, approver: User, *, allow_self: bool) -> None:
    if draft.status != "submitted":
        raise PublishRefused(f"draft {draft.id} is {draft.status}", "只有待审批的草稿可以批准。")
    if not may_approve(approver, draft, allow_self=allow_self):
        raise PublishRefused("four eyes", "草稿须由另一位有审批权限的人员批准。")
    # A future effective date keeps the version in force until that day; the consumer's periodic
    # work (portal.releases.tasks.publish_due_drafts) publishes it then, with nobody acting.
    status = "scheduled" if draft.effective > clock.today() else "approved"
    draft.status, draft.approved_by_id, draft.decided_at = status, approver.id, naive_utc(clock.now())
    audit(session, clock, "draft_approved", actor=approver, target=f"版本 {draft.version}", detail=draft.summary)


def reject(session: Session, clock: Clock, draft: Draft, approver: User, comment: str, *, allow_self: bool) -> None:
    if draft.status != "submitted":
        raise PublishRefused(f"draft {draft.id} is {draft.status}", "只有待审批的草稿可以退回。")
    if not may_approve(approver, draft, allow_self=allow_self):
        raise PublishRefused("four eyes", "草稿须由另一位有审批权限的人员审批。")
    if not comment.strip():
        raise ValidationFailed("empty comment", "退回时请写明原因。", field_errors={"comment": "请写明退回原因。"})
    draft.status, draft.comment, draft.decided_at = "rejected", comment.strip(), naive_utc(clock.now())
    audit(session, clock, "draft_rejected", actor=approver, target=f"版本 {draft.version}", detail=draft.comment)


def due_drafts(session: Session, clock: Clock) -> list[Draft]:
    """Approved drafts whose effective date has come."""
    return list(session.scalars(
        select(Draft).where(Draft.status == "scheduled", Draft.effective <= clock.today()).order_by(Draft.effective, Draft.id)
    ))


def delete(session: Session, clock: Clock, draft: Draft, actor: User) -> None:
    if draft.status in ("approved", "scheduled", "published"):
        raise PublishRefused(f"draft {draft.id} is {draft.status}", "已批准或已发布的草稿不能删除。")
    audit(session, clock, "draft_deleted", actor=actor, target=f"版本 {draft.version}")
    session.delete(draft)


def _editable(draft: Draft) -> None:
    if draft.status not in EDITABLE:
        raise PublishRefused(f"draft {draft.id} is {draft.status}", "该草稿已提交或已发布，不能再修改。")


def _load(session: Session, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise PublishRefused(f"no draft {draft_id}", "找不到该草稿。")
    return draft


def draft_for(session: Session, user: User, draft_id: int) -> Draft:
    """A draft for HR and approvers (the handler's role declaration says who they are)."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound(f"no draft {draft_id}", "找不到该草稿。")
    return draft
