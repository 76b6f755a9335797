"""Published releases, regulations and their versions.

A regulation gets a new version only when its canonical text changes.  Each
version points at its *baseline*: itself when the change was substantive
(or it is the first version), else the baseline of the version before.  A
signature on any version with the same baseline as the current one counts,
so editorial revisions never ask anyone to sign again.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.model import Document
from domain.serialize import document_from_dict
from portal.extensions import Base


class ReleaseRecord(Base):
    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    effective: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    editorial: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Regulation(Base):
    """A regulation across versions.  ``current_version_id`` is the version in force.

    It is a plain indexed column, not a foreign key, to avoid a cycle with
    ``regulation_versions.regulation_id``.
    """

    __tablename__ = "regulations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30), default="regulation")
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    current_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)


class RegulationVersion(Base):
    __tablename__ = "regulation_versions"
    __table_args__ = (UniqueConstraint("regulation_id", "release_id", name="uq_regulation_versions_release"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    regulation_id: Mapped[int] = mapped_column(ForeignKey("regulations.id"), index=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    document_json: Mapped[str] = mapped_column(Text)
    substantive: Mapped[bool] = mapped_column(Boolean, default=True)
    baseline_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("regulation_versions.id"), nullable=True, index=True
    )
    previous_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("regulation_versions.id"), nullable=True
    )
    clause_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    regulation: Mapped[Regulation] = relationship(lazy="joined", foreign_keys=[regulation_id])
    release: Mapped[ReleaseRecord] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """The version as users see it: the release that introduced this text."""
        return self.release.version

    def document(self) -> Document:
        return document_from_dict(json.loads(self.document_json))


class Draft(Base):
    """An uploaded revision, imported and stored, not in force until approved and published.

    ``release_json`` is the imported release (only the uploaded regulations);
    ``matches_json`` maps each uploaded document's slug to the regulation it
    revises (``""`` = new), as HR confirmed it; ``report_json`` keeps the
    importer's report for the preview.
    """

    __tablename__ = "release_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300), default="")
    effective: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    # draft → submitted → approved → published; rejected goes back to HR with a comment.
    status: Mapped[str] = mapped_column(String(20), default="importing", index=True)
    editorial: Mapped[bool] = mapped_column(Boolean, default=False)
    release_json: Mapped[str] = mapped_column(Text, default="")
    matches_json: Mapped[str] = mapped_column(Text, default="{}")
    report_json: Mapped[str] = mapped_column(Text, default="{}")
    departments_json: Mapped[str] = mapped_column(Text, default="{}")
    """Uploaded slug → the departments HR chose (``[]`` = every department); a slug not listed keeps
    what the version in force applies to (every department for a new regulation)."""
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class VersionDepartment(Base):
    """A department a regulation version applies to.  A version without rows applies to everyone.

    Rows belong to the version, never to the regulation, so the history keeps who each version asked.
    """

    __tablename__ = "regulation_version_departments"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("regulation_versions.id", ondelete="CASCADE"), primary_key=True
    )
    department: Mapped[str] = mapped_column(String(100), primary_key=True)
