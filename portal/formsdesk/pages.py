"""What the forms desk's pages show: clause links, the timeline, recipients, one's open tasks, status labels."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.model import ClauseRef, Document, Section
from domain.serialize import document_from_dict
from forms.declarations import MINUTES
from portal.auth.models import User
from portal.formsdesk.models import DocumentEvent, FormDocument, MinutesRecipient
from portal.formsdesk.terms import EVENT_LABELS, MINUTES_STATUS_LABELS, STATUS_LABELS
from portal.releases.services import current_versions


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
