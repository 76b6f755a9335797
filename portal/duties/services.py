"""The duties of the regulations in force, whose they are, and the days they fall on (no Flask here).

A duty's key (``slug#anchor#n``) names it across runs of the same version: the feed's UID and the
reminders' once-only guard are built on it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.obligations import Obligation, concerns, obligations_in
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.duties.models import DutyFeed
from portal.releases.models import Regulation, RegulationVersion

KIND_LABELS = {"daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度", "half-yearly": "每半年",
               "yearly": "每年", "after-event": "事件后限期", "once": "一次性"}
WEEKDAY_LABELS = ("一", "二", "三", "四", "五", "六", "日")


@dataclass(frozen=True)
class Duty:
    """One obligation of a regulation in force, with what the pages need to link to its clause."""

    key: str
    slug: str
    title: str
    regulation_id: int
    obligation: Obligation

    @property
    def anchor(self) -> str:
        return self.obligation.clause.anchor

    @property
    def dated(self) -> bool:
        """Whether the duty has days of its own (an event-relative one waits for its event)."""
        return self.obligation.schedule.kind != "after-event"


def duties_of(regulation: Regulation, version: RegulationVersion) -> list[Duty]:
    found = obligations_in(version.document())
    return [Duty(f"{regulation.slug}#{o.clause.anchor}#{n}", regulation.slug, version.title, regulation.id, o)
            for n, o in enumerate(found)]


def duties_in_force(session: Session) -> list[Duty]:
    """Every duty of every regulation in force, in the handbook's order."""
    rows = session.execute(
        select(Regulation, RegulationVersion)
        .join(RegulationVersion, RegulationVersion.id == Regulation.current_version_id)
        .where(Regulation.retired.is_(False))
        .order_by(Regulation.position, Regulation.id)
    ).all()
    return [duty for regulation, version in rows for duty in duties_of(regulation, version)]


def whose(duties: Iterable[Duty], department: str, position: str) -> list[Duty]:
    """The duties of a department and position (both empty: all of them)."""
    if not department and not position:
        return list(duties)
    return [d for d in duties if concerns(d.obligation, department, position)]


def duties_of_person(duties: Iterable[Duty], user: User) -> list[Duty]:
    return [d for d in duties if concerns(d.obligation, user.department, user.position)]


@dataclass(frozen=True)
class Choices:
    """What the calendar page offers to pick: the departments and positions people have."""

    departments: list[str]
    positions: list[str]


def choices(session: Session) -> Choices:
    active = User.active.is_(True)
    departments = session.scalars(select(User.department).where(active, User.department != "").distinct()).all()
    positions = session.scalars(select(User.position).where(active, User.position != "").distinct()).all()
    return Choices(sorted(departments), sorted(positions))


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    today: bool
    duties: list[Duty] = field(default_factory=list)


@dataclass(frozen=True)
class Month:
    """A month as the page shows it: weeks of days (Monday first), with the dated duties on their days;
    daily duties once above the grid (they would fill every cell), event-relative ones below it."""

    first: dt.date
    weeks: list[list[Day]]
    daily: list[Duty]
    undated: list[Duty]

    @property
    def days_with_duties(self) -> list[Day]:
        return [day for week in self.weeks for day in week if day.in_month and day.duties]

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)


def month_of(duties: Sequence[Duty], first: dt.date, today: dt.date) -> Month:
    daily = [d for d in duties if d.obligation.schedule.kind == "daily"]
    on_days = [d for d in duties if d.dated and d.obligation.schedule.kind != "daily"]
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([Day(day, day.month == first.month, day == today,
                          [d for d in on_days if d.obligation.schedule.falls_on(day)] if day.month == first.month else [])
                      for day in week])
    return Month(first, weeks, daily, [d for d in duties if not d.dated])


def parse_month(text: str, today: dt.date) -> dt.date:
    """``2026-12`` → the month's first day; anything else → this month (a hand-typed URL never fails)."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1) if 1900 < year < 3000 else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


def upcoming(duties: Sequence[Duty], today: dt.date, days: int = 45) -> list[tuple[dt.date, Duty]]:
    """The dated duties falling due from today over the next ``days`` days, soonest first."""
    out = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        out += [(day, d) for d in duties if d.dated and d.obligation.schedule.kind != "daily"
                and d.obligation.schedule.falls_on(day)]
    return out


# The feed's token: shown once, kept as its SHA-256 only.

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(session: Session, user_id: int) -> DutyFeed | None:
    return session.get(DutyFeed, user_id)


def issue_feed_token(session: Session, clock: Clock, user_id: int) -> str:
    """A new token for the person's feed; the old one, if any, stops working at once."""
    token = secrets.token_urlsafe(24)
    row = session.get(DutyFeed, user_id)
    if row is None:
        session.add(DutyFeed(user_id=user_id, token_sha256=_digest(token), created_at=naive_utc(clock.now())))
    else:
        row.token_sha256, row.created_at = _digest(token), naive_utc(clock.now())
    session.flush()
    return token


def revoke_feed(session: Session, user_id: int) -> bool:
    return bool(session.execute(delete(DutyFeed).where(DutyFeed.user_id == user_id)).rowcount)  # type: ignore[attr-defined]


def person_of_token(session: Session, token: str) -> User | None:
    """The active person whose feed this token opens (``None`` for an unknown, revoked or foreign token)."""
    if not token or len(token) > 100:
        return None
    user = session.scalar(select(User).join(DutyFeed, DutyFeed.user_id == User.id)
                          .where(DutyFeed.token_sha256 == _digest(token)))
    return user if user is not None and user.active else None
