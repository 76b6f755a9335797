"""Owners and review cycles: who owns a regulation, when it is next reviewed, and the owner's decision.

A review is due ``review_months`` after the later of the current text's effective day and the owner's
last "unchanged" confirmation (:mod:`portal.lifecycle.schedule`).  A new version therefore starts a new
cycle by itself; confirming "unchanged" is recorded (who, when) in ``regulation_reviews`` and moves the
cycle on without a new version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.errors import NotFound, PermissionDenied, ValidationFailed
from portal.lifecycle.models import DEFAULT_REVIEW_MONTHS, LifecycleSettings, RegulationCare, Review
from portal.lifecycle.schedule import Cycle
from portal.releases.models import Regulation, RegulationVersion


def settings_row(session: Session, *, for_update: bool = False) -> LifecycleSettings:
    """The saved row, or one holding the defaults (added to the session only to be saved)."""
    row = session.get(LifecycleSettings, 1)
    if row is None:
        row = LifecycleSettings(id=1, lead_days=30, grace_days=30, reattest_due_days=30)
        if for_update:
            session.add(row)
    return row


@dataclass(frozen=True)
class Standing:
    """A regulation's lifecycle as the pages show it."""

    regulation: Regulation
    version: RegulationVersion
    owner: User | None
    owner_department: str
    review_months: int
    reattest_months: int
    reviewed_on: dt.date | None
    due_on: dt.date
    opens_on: dt.date
    state: str  # ok | due | overdue | lapsed (schedule.STATE_LABELS)
    review: Review | None  # this cycle's review, once opened
    care: RegulationCare | None = None  # HR's settings (None: the defaults)

    @property
    def decided(self) -> bool:
        return self.review is not None and self.review.outcome != "open"


def _standing(session: Session, regulation: Regulation, version: RegulationVersion, care: RegulationCare | None,
              settings: LifecycleSettings, today: dt.date) -> Standing:
    months = care.review_months if care else DEFAULT_REVIEW_MONTHS
    cycle = Cycle(months, settings.lead_days, settings.grace_days)
    due = cycle.due_on(version.release.effective, care.reviewed_on if care else None)
    review = session.scalar(select(Review).where(Review.regulation_id == regulation.id, Review.due_on == due))
    owner = session.get(User, care.owner_id) if care and care.owner_id else None
    return Standing(regulation, version, owner, care.owner_department if care else "", months,
                    care.reattest_months if care else 0, care.reviewed_on if care else None, due,
                    cycle.opens_on(due), cycle.state(due, today), review, care)


def regulation_by_slug(session: Session, slug: str) -> Regulation:
    """A regulation in force by its slug (a retired or unpublished one is not found)."""
    regulation = session.scalar(select(Regulation).where(Regulation.slug == slug))
    if regulation is None or regulation.current_version_id is None or regulation.retired:
        raise NotFound(f"regulation {slug}")
    return regulation


def regulation_standing(session: Session, regulation: Regulation, today: dt.date) -> Standing:
    version = session.get(RegulationVersion, regulation.current_version_id)
    if version is None or regulation.retired:
        raise NotFound(f"regulation {regulation.slug} is not in force")
    return _standing(session, regulation, version, session.get(RegulationCare, regulation.id), settings_row(session), today)


def all_standings(session: Session, today: dt.date) -> list[Standing]:
    """Every regulation in force, most urgent first (lapsed, overdue, due, then by due date)."""
    settings = settings_row(session)
    rows = session.execute(
        select(Regulation, RegulationVersion, RegulationCare)
        .join(RegulationVersion, RegulationVersion.id == Regulation.current_version_id)
        .outerjoin(RegulationCare, RegulationCare.regulation_id == Regulation.id)
        .where(Regulation.retired.is_(False))
        .order_by(Regulation.position, Regulation.id)
    ).all()
    standings = [_standing(session, r, v, c, settings, today) for r, v, c in rows]
    urgency = {"lapsed": 0, "overdue": 1, "due": 2, "ok": 3}
    return sorted(standings, key=lambda s: (urgency[s.state], s.due_on))


def owned_by(session: Session, user: User, today: dt.date) -> list[Standing]:
    return [s for s in all_standings(session, today) if s.owner is not None and s.owner.id == user.id]


def overdue_count(session: Session, today: dt.date) -> int:
    """Reviews past due and not yet confirmed (HR's dashboard flag)."""
    return sum(1 for s in all_standings(session, today) if s.state in ("overdue", "lapsed") and not s.decided)


@dataclass(frozen=True)
class CareInput:
    owner_department: str
    owner_employee_no: str
    review_months: int
    reattest_months: int
    reading_check: bool = False
    min_reading_seconds: int = 0
    quiz_pass_percent: int = 80


def save_care(session: Session, clock: Clock, regulation: Regulation, values: CareInput, actor: User,
              ip: str = "") -> RegulationCare:
    """HR sets the owner and the cycles of a regulation.  The owner must be an active account."""
    errors: dict[str, str] = {}
    owner = None
    if values.owner_employee_no:
        owner = session.scalar(select(User).where(User.employee_no == values.owner_employee_no))
        if owner is None or not owner.active:
            errors["owner_employee_no"] = "没有这个工号的在职账号。"
    if errors:
        raise ValidationFailed(f"care form invalid: {sorted(errors)}", field_errors=errors)
    care = session.get(RegulationCare, regulation.id)
    if care is None:
        care = RegulationCare(regulation_id=regulation.id)
        session.add(care)
    care.owner_department = values.owner_department
    care.owner_id = owner.id if owner else None
    care.review_months = values.review_months
    care.reattest_months = values.reattest_months
    care.reading_check = values.reading_check
    care.min_reading_seconds = values.min_reading_seconds
    care.quiz_pass_percent = values.quiz_pass_percent
    care.updated_at = naive_utc(clock.now())
    audit(session, clock, "care_saved", actor=actor, target=regulation.title, ip=ip,
          detail=f"归口部门 {values.owner_department or '未设'}，负责人 {owner.name if owner else '未设'}，"
                 f"每 {values.review_months} 个月复审，"
                 + (f"每 {values.reattest_months} 个月重新确认" if values.reattest_months else "不定期重新确认")
                 + ("，签署前须完整阅读" if values.reading_check else ""))
    session.flush()
    return care


def may_review(user: User, standing: Standing) -> bool:
    """The owner reviews; HR may record a review for an owner who cannot (leave, no account yet)."""
    return user.is_hr or (standing.owner is not None and standing.owner.id == user.id)


def open_review(session: Session, clock: Clock, standing: Standing) -> Review:
    """This cycle's review row, created when missing (the daily run, or the owner's first visit)."""
    if standing.review is not None:
        return standing.review
    review = Review(regulation_id=standing.regulation.id, version_id=standing.version.id, due_on=standing.due_on,
                    opened_at=naive_utc(clock.now()), owner_id=standing.owner.id if standing.owner else None,
                    outcome="open", note="")
    try:
        with session.begin_nested():  # another host's run may have opened it a moment ago
            session.add(review)
    except IntegrityError:
        found = session.scalar(select(Review).where(Review.regulation_id == standing.regulation.id,
                                                    Review.due_on == standing.due_on))
        assert found is not None
        return found
    return review


def decide(session: Session, clock: Clock, standing: Standing, actor: User, outcome: str, note: str,
           ip: str = "") -> Review:
    """The owner's decision on this cycle: ``unchanged`` (the cycle moves on, no new version) or ``revising``."""
    if not may_review(actor, standing):
        raise PermissionDenied(f"user {actor.id} does not own regulation {standing.regulation.id}")
    if outcome not in ("unchanged", "revising"):
        raise ValidationFailed(f"unknown outcome {outcome!r}", "请选择复审结论。")
    if standing.state == "ok":
        raise ValidationFailed("review not open yet", f"尚未到复审时间：{standing.opens_on.isoformat()} 起可复审。")
    if standing.decided and not (standing.review and standing.review.outcome == "revising" and outcome == "unchanged"):
        raise ValidationFailed("review already decided", "本期复审已有结论。")
    review = open_review(session, clock, standing)
    review.outcome = outcome
    review.decided_by_id = actor.id
    review.decided_at = naive_utc(clock.now())
    review.note = note.strip()[:2000]
    if outcome == "unchanged":
        care = session.get(RegulationCare, standing.regulation.id)
        if care is None:
            care = RegulationCare(regulation_id=standing.regulation.id, owner_department="", review_months=standing.review_months,
                                  reattest_months=0)
            session.add(care)
        care.reviewed_on = clock.today()
    audit(session, clock, "review_unchanged" if outcome == "unchanged" else "review_revising", actor=actor,
          target=standing.regulation.title, detail=f"版本 {standing.version.label}，复审期限 {standing.due_on.isoformat()}"
          + (f"；{review.note}" if review.note else ""), ip=ip)
    session.flush()
    return review


def review_history(session: Session, regulation_id: int) -> list[tuple[Review, User | None]]:
    rows = session.execute(
        select(Review, User).outerjoin(User, User.id == Review.decided_by_id)
        .where(Review.regulation_id == regulation_id).order_by(Review.due_on.desc(), Review.id.desc())
    ).all()
    return list(rows)
