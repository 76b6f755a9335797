"""Assignment rules (HR's intent) and assignments (one per user and regulation).

Assignments are materialised from the rules so that "my handbook" and the
dashboard are plain joins; :mod:`portal.assignments.services` keeps them in
step when users, rules or regulations change.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base

SCOPES = ("all", "department", "role", "user")
SCOPE_LABELS = {"all": "全体员工", "department": "部门", "role": "角色", "user": "个人（工号）"}


class AssignmentRule(Base):
    """``regulation_id`` None means every regulation; ``scope_value`` names the department, role or 工号."""

    __tablename__ = "assignment_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    regulation_id: Mapped[int | None] = mapped_column(
        ForeignKey("regulations.id", ondelete="CASCADE"), nullable=True
    )
    scope: Mapped[str] = mapped_column(String(20))
    scope_value: Mapped[str] = mapped_column(String(100), default="")
    due_days: Mapped[int] = mapped_column(Integer)
    """Days from the assignment's creation; 0 when the rule has a fixed ``due_on`` instead."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    due_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    """A fixed deadline (a whole day); when set, ``due_days`` is 0."""
    read_order: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Where the rule's regulations come in a new hire's onboarding list (1 first); None: after the numbered ones."""


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "regulation_id", name="uq_assignments_user_regulation"),
        # Covers the dashboard's grouping (department via users, regulation, due date) without table reads.
        Index("ix_assignments_user_regulation_due", "user_id", "regulation_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    regulation_id: Mapped[int] = mapped_column(ForeignKey("regulations.id", ondelete="CASCADE"), index=True)
    requested_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    signed_since: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True, default=None)
    """A periodic re-attestation round (portal/lifecycle): only signatures from this moment on count; None: any."""


HISTORY_REASONS = {
    "transfer": "已调岗", "rule_removed": "规则已删除", "not_applicable": "不再适用", "reattest": "定期重新确认（上一周期）",
}
"""``not_applicable``: a new version of the regulation no longer applies to the person's department;
``reattest``: a periodic re-attestation round (portal/lifecycle) closed the previous period."""


class AssignmentHistory(Base):
    """An assignment that no longer applies, kept for the auditor: what was asked of whom, in which
    department, from when to when, and why it ended.  Signatures stay in the acknowledgement log.

    Moving the row here (rather than flagging it in ``assignments``) keeps every open-work query
    (my handbook, the dashboard, reminders) a plain join over ``assignments``.
    """

    __tablename__ = "assignment_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    regulation_id: Mapped[int] = mapped_column(ForeignKey("regulations.id", ondelete="CASCADE"), index=True)
    department: Mapped[str] = mapped_column(String(100), default="")
    requested_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(20))
