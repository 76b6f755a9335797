"""Periodic re-attestation: people sign a regulation again every N months, even without a new version.
N is set per regulation (``regulation_care.reattest_months``) or per assignment rule
(``rule_reattestation``); where both apply, the shorter interval wins.

A round opens for an assignment when its last counting signature is ``reattest_months`` old: the
finished period goes to ``assignment_history`` (reason ``reattest``), and the assignment gets a new
request date, a new due date and ``signed_since`` = now, from which on only new signatures count
(the signing service, the reading page, my handbook and the dashboard all honour it).  Every earlier
signature stays in the acknowledgement chain: history keeps every attestation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from portal.acks.models import Acknowledgement
from portal.assignments.models import SCOPE_LABELS, Assignment, AssignmentHistory, AssignmentRule
from portal.audit.services import record as audit
from portal.auth.models import User, UserRole
from portal.clock import Clock, naive_utc
from portal.errors import NotFound
from portal.lifecycle.models import RegulationCare, RuleReattestation
from portal.lifecycle.schedule import reattest_due
from portal.localtime import to_local
from portal.releases.models import Regulation, RegulationVersion
from portal.signing_status import counters


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


def _rule_users(rule: AssignmentRule) -> ColumnElement[bool]:
    """The people a rule assigns (the same scopes as portal/assignments: all, department, role, 工号)."""
    if rule.scope == "department":
        return User.department == rule.scope_value
    if rule.scope == "role":
        return User.id.in_(select(UserRole.user_id).where(UserRole.role == rule.scope_value))
    if rule.scope == "user":
        return User.employee_no == rule.scope_value
    return true()


def cycle_months(session: Session) -> dict[int, int]:
    """Assignment id → its re-attestation interval: the regulation's and every covering rule's, the shortest."""
    months: dict[int, int] = {}

    def offer(assignment_ids: list[int], interval: int) -> None:
        for assignment_id in assignment_ids:
            months[assignment_id] = min(interval, months.get(assignment_id, interval))

    for regulation_id, interval in session.execute(
            select(RegulationCare.regulation_id, RegulationCare.reattest_months).where(RegulationCare.reattest_months > 0)).all():
        offer(list(session.scalars(select(Assignment.id).where(Assignment.regulation_id == regulation_id))), interval)
    for rule, interval in session.execute(
            select(AssignmentRule, RuleReattestation.months)
            .join(RuleReattestation, RuleReattestation.rule_id == AssignmentRule.id).where(RuleReattestation.months > 0)).all():
        covered = select(Assignment.id).join(User, User.id == Assignment.user_id).where(_rule_users(rule))
        if rule.regulation_id is not None:
            covered = covered.where(Assignment.regulation_id == rule.regulation_id)
        offer(list(session.scalars(covered)), interval)
    return months


def due_rounds(session: Session, today: dt.date, zone: dt.tzinfo) -> list[tuple[Assignment, Round]]:
    """The assignments whose re-attestation is due today (pure reading; nothing is changed)."""
    months = cycle_months(session)
    if not months:
        return []
    regulations = session.scalars(select(Regulation).where(
        Regulation.retired.is_(False),
        Regulation.id.in_(select(Assignment.regulation_id).where(Assignment.id.in_(list(months)))))).all()
    found = []
    for regulation in regulations:
        for assignment_id, signed_at in _last_signatures(session, regulation):
            interval = months.get(assignment_id)
            if interval and reattest_due(to_local(signed_at, zone).date(), interval) <= today:
                assignment = session.get(Assignment, assignment_id)
                assert assignment is not None
                found.append((assignment, Round(assignment.user_id, regulation.id, signed_at, today)))
    return found


def rule_cycles(session: Session) -> list[tuple[AssignmentRule, str, int]]:
    """Every assignment rule with the regulation it names ("" = all) and its re-attestation months (0 = none)."""
    rows = session.execute(
        select(AssignmentRule, Regulation.title, RuleReattestation.months)
        .outerjoin(Regulation, Regulation.id == AssignmentRule.regulation_id)
        .outerjoin(RuleReattestation, RuleReattestation.rule_id == AssignmentRule.id)
        .order_by(AssignmentRule.id)
    ).all()
    return [(rule, title or "", months or 0) for rule, title, months in rows]


def save_rule_cycle(session: Session, clock: Clock, rule_id: int, months: int, actor: User, ip: str = "") -> None:
    rule = session.get(AssignmentRule, rule_id)
    if rule is None:
        raise NotFound(f"rule {rule_id}")
    row = session.get(RuleReattestation, rule_id)
    if months == 0:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(RuleReattestation(rule_id=rule_id, months=months))
    else:
        row.months = months
    scope = SCOPE_LABELS.get(rule.scope, rule.scope) + (f"：{rule.scope_value}" if rule.scope_value else "")
    audit(session, clock, "rule_reattest_saved", actor=actor, target=f"规则 #{rule.id}（{scope}）",
          detail=f"每 {months} 个月重新确认" if months else "不定期重新确认", ip=ip)
    session.flush()


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
    # The dashboard's counters: the new round's due date, and none of its signatures yet.
    counters.refresh_regulations(session, sorted({r.regulation_id for r in opened}))
    return opened


def attestations(session: Session, user_id: int, regulation_id: int) -> list[Acknowledgement]:
    """Every signature a person gave a regulation, newest first (each round's, each version's)."""
    return list(session.scalars(
        select(Acknowledgement).where(Acknowledgement.user_id == user_id, Acknowledgement.regulation_id == regulation_id)
        .order_by(Acknowledgement.id.desc())))
