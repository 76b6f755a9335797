"""Publishing a release: new regulation versions, substantive or editorial, and re-sign requests.

The plan (what changes, and whether each change is substantive by the
clause-level diff) is computed first without writing; a release declared
editorial is refused when the diff finds a substantive change, so a
publisher cannot silently skip the signatures a real change needs.

A release may carry only some regulations (HR uploads the one that was
revised): the others stay in force untouched.  Withdrawing a regulation is
its own action, with a reason (:func:`withdraw_regulation`).  A document
whose words are the same as the version in force, only divided into clauses
differently (a better importer), is *unchanged*: the version in force, its
anchors and its signatures stay.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from domain.canonical import content_hash
from domain.diff import DocumentDiff, diff_documents
from domain.model import Document, Release
from domain.serialize import document_to_dict
from portal.acks.models import Acknowledgement
from portal.assignments.models import Assignment
from portal.assignments.services import add_missing_assignments, end_inapplicable_assignments
from portal.clock import Clock, naive_utc
from portal.errors import PublishRefused
from portal.releases.applicability import Departments, departments_of, normalised, write_departments
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord
from portal.sequences import hold
from portal.signing_status import counters

Status = Literal["new", "substantive", "editorial", "unchanged"]
STATUS_LABELS: dict[str, str] = {
    "new": "新增",
    "substantive": "实质修订（需重新签署）",
    "editorial": "文字修订（无需重新签署）",
    "unchanged": "未变",
}

PUBLISHING = "publish"  # the portal.sequences row publishes take their turn on


@dataclass(frozen=True)
class PublishRequest:
    release: Release
    editorial: bool = False  # the publisher declares that nobody needs to sign again
    revision_due_days: int = 30
    departments: Mapping[str, Departments] = field(default_factory=dict)
    """Slug → the departments its new version applies to (``()`` = every department); a slug not
    listed keeps what the version in force applies to (every department for a new regulation)."""


@dataclass(frozen=True)
class PlannedDocument:
    document: Document
    sha256: str
    status: Status
    diff: DocumentDiff | None


@dataclass(frozen=True)
class DocumentOutcome:
    slug: str
    title: str
    status: Status
    changed_clauses: int
    asked_again: int  # people who had signed and must sign again
    departments: Departments = ()  # whom the version in force after the publish applies to; () = everyone
    scope_changed: bool = False  # the applicable departments differ from the version before
    ended: int = 0  # open assignments ended as 不再适用 (departments the regulation no longer applies to)


@dataclass(frozen=True)
class PublishOutcome:
    version: str
    release_id: int
    documents: tuple[DocumentOutcome, ...]
    retired: tuple[str, ...]

    def count(self, status: Status) -> int:
        return sum(1 for d in self.documents if d.status == status)


ProgressCallback = Callable[[int, str], None]


def _no_progress(_percent: int, _message: str) -> None:
    return None


def current_versions(session: Session) -> dict[str, RegulationVersion]:
    rows = session.execute(
        select(Regulation.slug, RegulationVersion)
        .join(RegulationVersion, RegulationVersion.id == Regulation.current_version_id)
    ).all()
    return {slug: version for slug, version in rows}


def plan_release(session: Session, release: Release) -> list[PlannedDocument]:
    """Compare every document of ``release`` with the version in force (no writes)."""
    current = current_versions(session)
    planned: list[PlannedDocument] = []
    for document in release.documents:
        sha = content_hash(document)
        previous = current.get(document.slug)
        if previous is None:
            planned.append(PlannedDocument(document, sha, "new", None))
            continue
        if previous.content_sha256 == sha:
            planned.append(PlannedDocument(document, sha, "unchanged", None))
            continue
        diff = diff_documents(previous.document(), document)
        if diff.restructured:
            planned.append(PlannedDocument(document, previous.content_sha256, "unchanged", diff))
            continue
        planned.append(PlannedDocument(document, sha, "substantive" if diff.is_substantive else "editorial", diff))
    return planned


def publish_release(
    session: Session,
    clock: Clock,
    request: PublishRequest,
    progress: ProgressCallback = _no_progress,
) -> PublishOutcome:
    """Store the release and its new versions; ask signers again where the change is substantive.

    The caller commits (or rolls back) the session.  Publishes run one at a time (a CLI publish beside the
    task queue's, several hosts): the second waits for the first to commit, then sees what it published.
    """
    hold(session, PUBLISHING)
    release = request.release
    if session.scalar(select(ReleaseRecord.id).where(ReleaseRecord.version == release.version)):
        raise PublishRefused(
            f"release {release.version} exists", f"版本 {release.version} 已经发布过，请使用新的版本号。"
        )
    if not release.documents:
        raise PublishRefused("empty release", "发布内容中没有任何制度。")
    progress(5, "比对条款差异")
    planned = plan_release(session, release)
    substantive = [p.document.title for p in planned if p.status == "substantive"]
    if request.editorial and substantive:
        raise PublishRefused(
            f"editorial release has substantive changes: {substantive}",
            "本次发布被声明为文字修订，但以下制度有实质性条款变化，需要重新签署：" + "、".join(substantive),
        )
    now = naive_utc(clock.now())
    record = ReleaseRecord(
        version=release.version,
        title=release.title,
        effective=release.effective,
        notes=release.notes,
        editorial=request.editorial,
        published_at=now,
    )
    session.add(record)
    session.flush()
    outcomes: list[DocumentOutcome] = []
    # New regulations go after those in force; the others keep their place in the handbook.
    top = session.scalar(select(func.max(Regulation.position)))
    first_free = 0 if top is None else int(top) + 1
    for index, plan in enumerate(planned):
        progress(10 + int(80 * index / max(len(planned), 1)), f"写入《{plan.document.title}》")
        outcomes.append(_apply(session, clock, request, record, first_free + index, plan))
    progress(95, "更新签署任务")
    add_missing_assignments(session, clock)
    return PublishOutcome(release.version, record.id, tuple(outcomes), ())


def _apply(
    session: Session,
    clock: Clock,
    request: PublishRequest,
    record: ReleaseRecord,
    position: int,
    plan: PlannedDocument,
) -> DocumentOutcome:
    document = plan.document
    regulation = session.scalar(select(Regulation).where(Regulation.slug == document.slug))
    if regulation is None:
        regulation = Regulation(slug=document.slug, title=document.title, kind=document.kind, position=position)
        session.add(regulation)
        session.flush()
    regulation.retired = False
    changed = len(plan.diff.clauses) if plan.diff else 0
    previous = session.get(RegulationVersion, regulation.current_version_id) if regulation.current_version_id else None
    before = departments_of(session, previous.id if previous else None)
    chosen = normalised(request.departments.get(document.slug, before))
    scope_changed = previous is not None and chosen != before
    if plan.status == "unchanged" and not scope_changed:
        return DocumentOutcome(document.slug, document.title, "unchanged", 0, 0, chosen)
    if plan.status == "unchanged":
        assert previous is not None
        # Only whom it applies to changes: a new version with the text, anchors and signatures of the one
        # in force (its baseline), so the history says which departments each version asked.
        version = _new_version(session, clock, regulation, record, previous.document(), previous.content_sha256,
                               False, previous, stored_json=previous.document_json)
    else:
        version = _new_version(session, clock, regulation, record, document, plan.sha256,
                               plan.status in ("new", "substantive"), previous)
        regulation.title = document.title
        regulation.kind = document.kind
    write_departments(session, version.id, chosen)
    session.flush()
    ended = end_inapplicable_assignments(session, clock, regulation.id) if chosen else 0
    asked = 0
    if plan.status == "substantive" and previous is not None and previous.baseline_version_id is not None:
        asked = _ask_signers_again(session, clock, regulation.id, previous.baseline_version_id, record.effective, request.revision_due_days)
    return DocumentOutcome(document.slug, document.title, plan.status, changed, asked, chosen, scope_changed, ended)


def _new_version(
    session: Session,
    clock: Clock,
    regulation: Regulation,
    record: ReleaseRecord,
    document: Document,
    sha256: str,
    substantive: bool,
    previous: RegulationVersion | None,
    *,
    stored_json: str | None = None,
) -> RegulationVersion:
    """The regulation's new version in force; its baseline is itself when substantive, else the one before's."""
    version = RegulationVersion(
        regulation_id=regulation.id,
        release_id=record.id,
        content_sha256=sha256,
        title=document.title,
        document_json=stored_json or json.dumps(document_to_dict(document), ensure_ascii=False),
        substantive=substantive,
        previous_version_id=previous.id if previous else None,
        clause_count=sum(1 for _ in document.clauses()),
        created_at=naive_utc(clock.now()),
    )
    session.add(version)
    session.flush()
    version.baseline_version_id = (
        version.id if version.substantive or previous is None else previous.baseline_version_id
    )
    regulation.current_version_id = version.id
    return version


def _ask_signers_again(
    session: Session,
    clock: Clock,
    regulation_id: int,
    old_baseline_id: int,
    effective: dt.date,
    due_days: int,
) -> int:
    """People who signed the old text get a new request and a new due date; the rest keep theirs."""
    requested = max(effective, clock.today())
    signers = (
        select(Acknowledgement.user_id)
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .where(RegulationVersion.baseline_version_id == old_baseline_id)
    )
    result = session.execute(
        update(Assignment)
        .where(Assignment.regulation_id == regulation_id, Assignment.user_id.in_(signers))
        .values(requested_on=requested, due_on=requested + dt.timedelta(days=due_days))
        .execution_options(synchronize_session=False)
    )
    counters.refresh_regulations(session, [regulation_id])  # the signers' counters move to the new due date
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def withdraw_regulation(session: Session, slug: str, reason: str) -> Regulation:
    """Take a regulation out of force (its versions, signatures and history stay).  The caller audits."""
    if not reason.strip():
        raise PublishRefused("withdrawal without a reason", "停用制度必须填写原因。")
    regulation = session.scalar(select(Regulation).where(Regulation.slug == slug))
    if regulation is None:
        raise PublishRefused(f"no regulation {slug!r}", f"找不到制度“{slug}”。")
    if regulation.retired:
        raise PublishRefused(f"regulation {slug!r} already withdrawn", f"《{regulation.title}》已经停用。")
    regulation.retired = True
    return regulation
