"""A person's calendar feed (only the token's SHA-256 is kept) and the reminders already sent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base


class DutyFeed(Base):
    """One feed per person.  The URL carries a random token; a copy of the database does not give it away,
    and regenerating the token ends every calendar subscribed with the old one."""

    __tablename__ = "duty_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class DutyReminder(Base):
    """A reminder mail claimed (then sent) for one person, duty and due day: the primary key keeps a second
    run, the same day or on another host, from sending it again."""

    __tablename__ = "duty_reminders"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    duty_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DutyReminderRun(Base):
    """The day's reminder run, queued once whichever host's consumer sees the hour first."""

    __tablename__ = "duty_reminder_runs"

    run_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime)
