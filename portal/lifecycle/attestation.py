"""Periodic re-attestation: people sign a regulation again every N months, even without a new version.

A round opens for an assignment when its last counting signature is ``reattest_months`` old: the
finished period goes to ``assignment_history`` (reason ``reattest``), and the assignment gets a new
request date, a new due date and ``signed_since`` = now, from which on only new signatures count
(the signing service, the reading page, my handbook and the dashboard all honour it).  Every earlier
signature stays in the acknowledgement chain: history keeps every attestation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from portal.acks.models import Acknowledgement
from portal.assignments.models import Assignment, AssignmentHistory
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.lifecycle.models import RegulationCare
from portal.lifecycle.schedule import reattest_due
from portal.localtime import to_local
from portal.releases.models import Regulation, RegulationVersion


@dataclass(frozen=True)
class Round:
    """One person asked again."""

    user_id: int
    regulation_id: int
    last_signed_at: dt.datetime
    due_on: dt.date


def _counting_versions(session: Session, regulation: Regulation) -> list[int]:
    current = session.get(RegulationVersion, regulation.current_version_id)
    if current is None:
        return []
    return list(session.scalars(select(RegulationVersion.id).where(
        RegulationVersion.regulation_id == regulation.id,
        RegulationVersion.baseline_version_id == current.baseline_version_id)))


def _last_signatures(session: Session, regulation: Regulation) -> list[tuple[int, dt.datetime]]:
    """(assignment id, its last counting signature in the current round) for the regulation's assignments."""
    versions = _counting_versions(session, regulation)
    if not versions:
        return []
    rows = session.execute(
        select(Assignment.id, func.max(Acknowledgement.signed_at))
        .join(Acknowledgement, and_(
            Acknowledgement.user_id == Assignment.user_id, Acknowledgement.regulation_id == Assignment.regulation_id,
            Acknowledgement.version_id.in_(versions),
            or_(Assignment.signed_since.is_(None), Acknowledgement.signed_at >= Assignment.signed_since)))
        .join(User, User.id == Assignment.user_id)
        .where(Assignment.regulation_id == regulation.id, User.active.is_(True))
        .group_by(Assignment.id)
    ).all()
    return list(rows)


def due_rounds(session: Session, today: dt.date, zone: dt.tzinfo) -> list[tuple[Assignment, Round]]:
    """The assignments whose re-attestation is due today (pure reading; nothing is changed)."""
    found = []
    cares = session.execute(
        select(RegulationCare, Regulation).join(Regulation, Regulation.id == RegulationCare.regulation_id)
        .where(RegulationCare.reattest_months > 0, Regulation.retired.is_(False))
    ).all()
    for care, regulation in cares:
        for assignment_id, signed_at in _last_signatures(session, regulation):
            if reattest_due(to_local(signed_at, zone).date(), care.reattest_months) <= today:
                assignment = session.get(Assignment, assignment_id)
                assert assignment is not None
                found.append((assignment, Round(assignment.user_id, regulation.id, signed_at, today)))
    return found


def open_rounds(session: Session, clock: Clock, zone: dt.tzinfo, due_days: int) -> list[Round]:
    """Ask again everyone whose last signature is old enough; the caller commits."""
    today = clock.today()
    now = naive_utc(clock.now())
    opened = []
    for assignment, due in due_rounds(session, today, zone):
        user = session.get(User, assignment.user_id)
        session.add(AssignmentHistory(
            user_id=assignment.user_id, regulation_id=assignment.regulation_id,
            department=user.department if user else "", requested_on=assignment.requested_on,
            due_on=assignment.due_on, ended_on=today, reason="reattest"))
        assignment.requested_on = today
        assignment.due_on = today + dt.timedelta(days=due_days)
        assignment.signed_since = now
        opened.append(Round(due.user_id, due.regulation_id, due.last_signed_at, assignment.due_on))
    session.flush()
    return opened


def attestations(session: Session, user_id: int, regulation_id: int) -> list[Acknowledgement]:
    """Every signature a person gave a regulation, newest first (each round's, each version's)."""
    return list(session.scalars(
        select(Acknowledgement).where(Acknowledgement.user_id == user_id, Acknowledgement.regulation_id == regulation_id)
        .order_by(Acknowledgement.id.desc())))
