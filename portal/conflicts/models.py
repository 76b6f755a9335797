"""HR's mark on a candidate conflict, kept under the SHA-256 of the candidate's key (both clauses and sentences),
so that it stays with the pair as long as both clauses say what they said."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base


class ConflictMark(Base):
    __tablename__ = "conflict_marks"

    key_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # conflict, not-conflict, resolved
    note: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")  # the reason when marked, for the record
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    marked_at: Mapped[dt.datetime] = mapped_column(DateTime)
