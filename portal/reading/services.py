"""What a reading page shows: the version, its HTML, the reader's standing, and what changed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.diff import DocumentDiff, diff_documents
from portal.acks.models import Acknowledgement
from portal.assignments.models import Assignment
from portal.errors import NotFound
from portal.reading.rendering import render_html
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord


@dataclass(frozen=True)
class ReaderStanding:
    assignment: Assignment | None
    counting_signature: Acknowledgement | None  # signature that covers the current text
    earlier_signature: Acknowledgement | None  # a signature on an older text (re-sign request)
    earlier_version: RegulationVersion | None
    counting_version: RegulationVersion | None = None  # the version the counting signature was given on


@dataclass(frozen=True)
class ReadingPage:
    regulation: Regulation
    version: RegulationVersion
    html: str
    standing: ReaderStanding
    changes: DocumentDiff | None  # from the version the reader signed to this one
    is_current: bool


def regulation_by_slug(session: Session, slug: str) -> Regulation:
    regulation = session.scalar(select(Regulation).where(Regulation.slug == slug))
    if regulation is None or regulation.current_version_id is None:
        raise NotFound(f"regulation {slug}")
    return regulation


def version_by_label(session: Session, regulation: Regulation, label: str | None) -> RegulationVersion:
    """The version in force at release ``label`` (None: the current one)."""
    if label is None:
        version = session.get(RegulationVersion, regulation.current_version_id)
    else:
        version = session.scalar(
            select(RegulationVersion)
            .join(ReleaseRecord, ReleaseRecord.id == RegulationVersion.release_id)
            .where(RegulationVersion.regulation_id == regulation.id, ReleaseRecord.version == label)
        )
    if version is None:
        raise NotFound(f"version {label} of {regulation.slug}")
    return version


def standing(session: Session, user_id: int, version: RegulationVersion) -> ReaderStanding:
    assignment = session.scalar(
        select(Assignment).where(Assignment.user_id == user_id, Assignment.regulation_id == version.regulation_id)
    )
    signatures = session.execute(
        select(Acknowledgement, RegulationVersion)
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .where(Acknowledgement.user_id == user_id, Acknowledgement.regulation_id == version.regulation_id)
        .order_by(Acknowledgement.id.desc())
    ).all()
    since = assignment.signed_since if assignment is not None else None  # a re-attestation round (portal/lifecycle)
    counting = next(
        ((a, v) for a, v in signatures
         if v.baseline_version_id == version.baseline_version_id and (since is None or a.signed_at >= since)),
        None,
    )
    earlier = signatures[0] if signatures and counting is None else None
    return ReaderStanding(
        assignment, counting[0] if counting else None, earlier[0] if earlier else None, earlier[1] if earlier else None,
        counting[1] if counting else None,
    )


def reading_page(session: Session, user_id: int, slug: str, label: str | None = None) -> ReadingPage:
    regulation = regulation_by_slug(session, slug)
    version = version_by_label(session, regulation, label)
    document = version.document()
    reader = standing(session, user_id, version)
    changes = None
    if reader.earlier_version is not None and reader.earlier_version.baseline_version_id != version.baseline_version_id:
        changes = diff_documents(reader.earlier_version.document(), document)
    return ReadingPage(
        regulation, version, render_html(document), reader, changes, version.id == regulation.current_version_id
    )


def version_history(session: Session, regulation: Regulation) -> list[RegulationVersion]:
    return list(
        session.scalars(
            select(RegulationVersion)
            .where(RegulationVersion.regulation_id == regulation.id)
            .order_by(RegulationVersion.id.desc())
        ).all()
    )


@dataclass(frozen=True)
class IndexEntry:
    regulation: Regulation
    version: RegulationVersion
    assigned: bool
    signed: bool


def regulation_index(session: Session, user_id: int) -> list[IndexEntry]:
    rows = session.execute(
        select(Regulation, RegulationVersion)
        .join(RegulationVersion, RegulationVersion.id == Regulation.current_version_id)
        .where(Regulation.retired.is_(False))
        .order_by(Regulation.position, Regulation.id)
    ).all()
    since = dict(session.execute(
        select(Assignment.regulation_id, Assignment.signed_since).where(Assignment.user_id == user_id)
    ).all())
    signed = session.execute(
        select(RegulationVersion.regulation_id, RegulationVersion.baseline_version_id, Acknowledgement.signed_at)
        .join(Acknowledgement, Acknowledgement.version_id == RegulationVersion.id)
        .where(Acknowledgement.user_id == user_id)
    ).all()
    baselines = {  # the baselines signed, in the current re-attestation round where one is open
        (regulation_id, baseline) for regulation_id, baseline, at in signed
        if since.get(regulation_id) is None or at >= since[regulation_id]  # type: ignore[operator]
    }
    return [IndexEntry(r, v, r.id in since, (r.id, v.baseline_version_id) in baselines) for r, v in rows]
