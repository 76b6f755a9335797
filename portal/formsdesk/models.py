"""Drafts, submitted form documents, and the minutes workflow's recipients and events.

Form values are stored as the raw (compacted) input the user gave, as JSON:
the document is validated and rendered again from them, so a .docx always
comes from clean values and from the current template.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base


class FormDraft(Base):
    """A user's unfinished form; resumable until submitted or discarded."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    form_slug: Mapped[str] = mapped_column(String(50))
    values_json: Mapped[str] = mapped_column(Text)
    # Set when the draft reworks a document (minutes returned by the chair).
    document_id: Mapped[int | None] = mapped_column(ForeignKey("form_documents.id", ondelete="CASCADE"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class FormDocument(Base):
    """A submitted form: its number (``HY-2026-0003``), department, values and workflow status."""

    __tablename__ = "form_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    form_slug: Mapped[str] = mapped_column(String(50), index=True)
    title: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(100), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    values_json: Mapped[str] = mapped_column(Text)
    # submitted | returned | signed | distributed (the last three for minutes only)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    distributed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class MinutesRecipient(Base):
    """An attendee the signed minutes were distributed to, and when they confirmed receipt."""

    __tablename__ = "minutes_recipients"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("form_documents.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    distributed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class DocumentEvent(Base):
    """One step of a document's history (submitted, returned with a comment, signed, …), append-only."""

    __tablename__ = "form_document_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("form_documents.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime)
