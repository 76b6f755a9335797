"""Follow-up that runs itself: its settings, the days it ran, every mail it sent and what each mail covered."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base

KIND_LABELS = {"before": "截止前提醒", "after": "逾期提醒", "escalation": "上报部门经理", "summary": "每周汇总"}
MAIL_STATUS_LABELS = {"sending": "发送中", "sent": "已发送", "failed": "发送失败"}


class FollowupSettings(Base):
    """One row (id 1), edited by HR on the follow-up page; the defaults below apply until then."""

    __tablename__ = "followup_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    run_hour: Mapped[int] = mapped_column(Integer, default=9)  # local hour in TIME_ZONE
    quiet_weekdays: Mapped[str] = mapped_column(String(20), default="5,6")  # Monday = 0
    holidays: Mapped[str] = mapped_column(Text, default="")  # one ISO date a line
    before_days: Mapped[int] = mapped_column(Integer, default=3)
    after_days: Mapped[int] = mapped_column(Integer, default=1)
    escalate_days: Mapped[int] = mapped_column(Integer, default=7)
    summary_weekday: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class FollowupRun(Base):
    """The day a scheduled run was queued: unique, so two hosts' consumers queue it once."""

    __tablename__ = "followup_runs"

    run_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime)


class FollowupMail(Base):
    """Every mail the follow-up sent or tried to send."""

    __tablename__ = "followup_mails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    recipient: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    items: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="sending")
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class FollowupClaim(Base):
    """What a mail covered, one key per (step, person, regulation, due date) or (summary, week, recipient).

    The key is the primary key: a second run (twice a day, or another host at the same time) cannot
    claim it again, so nobody is reminded twice for one step.  A failed mail gives its keys back.
    """

    __tablename__ = "followup_claims"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("followup_mails.id", ondelete="CASCADE"), index=True)
