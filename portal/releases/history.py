"""A regulation's life for HR: every version with who published and approved it, why, and how many signed.

Also the diff between any two versions, and a rollback that is a *new* draft carrying an earlier
version's text: it goes through approval and is published as a new release, so history is never
rewritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.diff import DocumentDiff, diff_documents
from domain.model import Release
from domain.serialize import release_to_dict
from portal.acks.models import Acknowledgement
from portal.auth.models import User
from portal.clock import Clock
from portal.errors import PublishRefused
from portal.releases.applicability import departments_by_version
from portal.releases.drafts import NewDraft, create_draft
from portal.releases.models import Draft, Regulation, RegulationVersion


@dataclass(frozen=True)
class VersionEntry:
    version: RegulationVersion
    summary: str
    published_by: str
    approved_by: str
    signatures: int
    departments: tuple[str, ...] = ()  # whom this version applies to; () = every department
    scope_only: bool = False  # same text as the version before: only the departments changed


def regulation_or_none(session: Session, slug: str) -> Regulation | None:
    return session.scalar(select(Regulation).where(Regulation.slug == slug))


def versions_of(session: Session, regulation: Regulation) -> list[VersionEntry]:
    """Newest first."""
    versions = session.scalars(
        select(RegulationVersion).where(RegulationVersion.regulation_id == regulation.id)
        .order_by(RegulationVersion.id.desc())
    ).all()
    counts: dict[int, int] = dict(session.execute(
        select(Acknowledgement.version_id, func.count()).where(Acknowledgement.regulation_id == regulation.id)
        .group_by(Acknowledgement.version_id)
    ).all())
    labels = [v.label for v in versions]
    drafts = {d.version: d for d in session.scalars(
        select(Draft).where(Draft.status == "published", Draft.version.in_(labels))
    )}
    people = {i for d in drafts.values() for i in (d.created_by_id, d.approved_by_id) if i}
    names: dict[int, str] = dict(session.execute(select(User.id, User.name).where(User.id.in_(people))).all())
    scopes = departments_by_version(session, [v.id for v in versions])
    hashes = {v.id: v.content_sha256 for v in versions}
    entries = []
    for v in versions:
        draft = drafts.get(v.label)
        entries.append(VersionEntry(
            version=v,
            summary=(draft.summary if draft else "") or v.release.notes,
            published_by=names.get(draft.created_by_id, "") if draft and draft.created_by_id else "",
            approved_by=names.get(draft.approved_by_id, "") if draft and draft.approved_by_id else "",
            signatures=int(counts.get(v.id, 0)),
            departments=scopes.get(v.id, ()),
            scope_only=v.previous_version_id is not None and hashes.get(v.previous_version_id) == v.content_sha256,
        ))
    return entries


def compare(session: Session, regulation: Regulation, old_id: int, new_id: int) -> DocumentDiff:
    old, new = session.get(RegulationVersion, old_id), session.get(RegulationVersion, new_id)
    if old is None or new is None or old.regulation_id != regulation.id or new.regulation_id != regulation.id:
        raise PublishRefused("versions of another regulation", "请选择本制度的两个版本进行比较。")
    return diff_documents(old.document(), new.document())


def rollback_draft(
    session: Session, clock: Clock, regulation: Regulation, version_id: int, new_version: str,
    effective: dt.date, actor: User,
) -> Draft:
    """A draft whose only document is an earlier version's text, matched to this regulation."""
    old = session.get(RegulationVersion, version_id)
    if old is None or old.regulation_id != regulation.id:
        raise PublishRefused("version of another regulation", "请选择本制度的一个旧版本。")
    if old.id == regulation.current_version_id:
        raise PublishRefused("rollback to the version in force", "所选版本就是现行版本，无需恢复。")
    draft = create_draft(session, clock, NewDraft(new_version, effective, f"恢复 {old.label}"), actor)
    document = dataclasses.replace(old.document(), slug=regulation.slug)
    release = Release(draft.version, draft.title, effective, (document,))
    draft.release_json = json.dumps(release_to_dict(release), ensure_ascii=False)
    draft.matches_json = json.dumps({regulation.slug: regulation.slug}, ensure_ascii=False)
    draft.report_json = json.dumps({"dropped": [], "changed": 0, "warnings": [f"恢复为 {old.label} 版的文本"]},
                                   ensure_ascii=False)
    draft.status = "draft"
    return draft
