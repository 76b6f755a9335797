"""The candidates of the release in force with HR's marks, and marking one (no Flask here)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import ValidationFailed
from knowledge.conflicts import ATTRIBUTE_LABELS, Conflict, conflicts
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.conflicts.models import ConflictMark
from portal.releases.models import Regulation, RegulationVersion

STATUS_LABELS = {"open": "待确认", "conflict": "确属冲突", "not-conflict": "不是冲突", "resolved": "已通过修订解决"}
MARKS = ("conflict", "not-conflict", "resolved")
__all__ = ["ATTRIBUTE_LABELS", "MARKS", "STATUS_LABELS", "Candidate", "MarkRequest", "candidates", "mark"]


@dataclass(frozen=True)
class Candidate:
    conflict: Conflict
    id: str  # SHA-256 of the key: what the page's form sends back
    mark: ConflictMark | None

    @property
    def status(self) -> str:
        return self.mark.status if self.mark else "open"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def candidates(session: Session) -> list[Candidate]:
    """Every candidate between the regulations in force, each with its mark (if HR gave one)."""
    rows = session.execute(
        select(RegulationVersion)
        .join(Regulation, Regulation.current_version_id == RegulationVersion.id)
        .where(Regulation.retired.is_(False))
        .order_by(Regulation.position, Regulation.id)
    ).scalars().all()
    found = conflicts(version.document() for version in rows)
    marks = {m.key_sha256: m for m in session.scalars(select(ConflictMark))}
    return [Candidate(c, digest(c.key), marks.get(digest(c.key))) for c in found]


@dataclass(frozen=True)
class MarkRequest:
    candidate_id: str
    status: str
    note: str


def mark(session: Session, clock: Clock, request: MarkRequest, by: User, ip: str = "") -> Candidate:
    """Record HR's decision on a candidate of the release in force (a real conflict needs a note)."""
    if request.status not in MARKS:
        raise ValidationFailed(f"unknown mark {request.status!r}", "请选择一种处理结果。")
    note = request.note.strip()
    if request.status == "conflict" and not note:
        raise ValidationFailed("a real conflict needs a note", "标记为确属冲突时，请写明说明（例如以哪个制度为准、由谁修订）。")
    if len(note) > 2000:
        raise ValidationFailed("note too long", "说明不能超过 2000 字。")
    candidate = next((c for c in candidates(session) if c.id == request.candidate_id), None)
    if candidate is None:
        raise ValidationFailed("no such candidate in force", "该候选已不在现行制度中（条款可能已修订），请刷新页面。")
    row = session.get(ConflictMark, candidate.id) or ConflictMark(key_sha256=candidate.id)
    row.status, row.note, row.summary = request.status, note, candidate.conflict.reason
    row.marked_by_id, row.marked_at = by.id, naive_utc(clock.now())
    session.add(row)
    audit(session, clock, "conflict_marked", actor=by, ip=ip,
          target=" / ".join(f"{c.document_slug}#{c.anchor}" for c in (candidate.conflict.a.clause, candidate.conflict.b.clause))[:300],
          detail=f"{STATUS_LABELS[request.status]}：{note}"[:1000] if note else STATUS_LABELS[request.status])
    session.flush()
    return Candidate(candidate.conflict, candidate.id, row)
