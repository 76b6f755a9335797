"""Keeping assignments in step with rules, and each person's list ("my handbook").

Rules are few; users × regulations can be large (10,000 × 30), so the
materialisation is done with ``INSERT … SELECT`` and ``DELETE … WHERE NOT``
statements, never row by row in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Date, and_, delete, exists, insert, literal, or_, select, true
from sqlalchemy.orm import Session

from portal.acks.models import Acknowledgement
from portal.assignments.models import SCOPES, Assignment, AssignmentRule
from portal.auth.events import roles_changed, user_created
from portal.auth.models import User, UserRole
from portal.clock import Clock, naive_utc
from portal.errors import NotFound, ValidationFailed
from portal.releases.models import Regulation, RegulationVersion

ItemState = Literal["pending", "overdue", "done"]


@dataclass(frozen=True)
class NewRule:
    scope: str
    scope_value: str
    regulation_id: int | None
    due_days: int


def _user_condition(rule: AssignmentRule) -> ColumnElement[bool]:
    if rule.scope == "department":
        return User.department == rule.scope_value
    if rule.scope == "role":
        return User.id.in_(select(UserRole.user_id).where(UserRole.role == rule.scope_value))
    if rule.scope == "user":
        return User.employee_no == rule.scope_value
    return true()


def _regulation_condition(rule: AssignmentRule, regulation_id: Any) -> ColumnElement[bool]:
    return true() if rule.regulation_id is None else regulation_id == rule.regulation_id


def new_hire_due(hire_date: dt.date | None, today: dt.date, new_hire_days: int) -> dt.date | None:
    """A recent hire's deadline counts from the hire date; others get the rule's period."""
    if hire_date is None or hire_date < today - dt.timedelta(days=new_hire_days):
        return None
    return max(hire_date, today) + dt.timedelta(days=new_hire_days)


def add_missing_assignments(
    session: Session, clock: Clock, *, user: User | None = None, new_hire_days: int = 14
) -> None:
    """Create the assignments the rules call for and that do not exist yet (all users, or one)."""
    today = clock.today()
    hire_due = new_hire_due(user.hire_date, today, new_hire_days) if user else None
    for rule in session.scalars(select(AssignmentRule)).all():
        due = hire_due or today + dt.timedelta(days=rule.due_days)
        pairs = (
            select(User.id, Regulation.id, literal(today, Date), literal(due, Date))
            .select_from(User)
            .join(Regulation, true())  # every user × every regulation, then narrowed by the rule
        ).where(
            User.active.is_(True),
            Regulation.retired.is_(False),
            Regulation.current_version_id.is_not(None),
            _user_condition(rule),
            _regulation_condition(rule, Regulation.id),
            ~exists().where(Assignment.user_id == User.id, Assignment.regulation_id == Regulation.id),
        )
        if user is not None:
            pairs = pairs.where(User.id == user.id)
        session.execute(
            insert(Assignment).from_select(["user_id", "regulation_id", "requested_on", "due_on"], pairs)
        )


def remove_uncovered_assignments(session: Session) -> None:
    """Drop assignments no rule asks for any more (signatures stay in the acknowledgement log)."""
    rules = session.scalars(select(AssignmentRule)).all()
    covered = [
        and_(
            exists().where(User.id == Assignment.user_id, _user_condition(rule)),
            _regulation_condition(rule, Assignment.regulation_id),
        )
        for rule in rules
    ]
    condition = ~or_(*covered) if covered else true()
    session.execute(delete(Assignment).where(condition).execution_options(synchronize_session=False))


def add_rule(session: Session, clock: Clock, rule: NewRule) -> AssignmentRule:
    if rule.scope not in SCOPES:
        raise ValidationFailed(f"unknown scope {rule.scope}", field_errors={"scope": "请选择适用范围。"})
    if rule.scope != "all" and not rule.scope_value.strip():
        raise ValidationFailed("scope value missing", field_errors={"scope_value": "请填写部门、角色或工号。"})
    if not 1 <= rule.due_days <= 365:
        raise ValidationFailed("bad due days", field_errors={"due_days": "期限应为 1 到 365 天。"})
    if rule.regulation_id is not None and session.get(Regulation, rule.regulation_id) is None:
        raise NotFound(f"regulation {rule.regulation_id}")
    row = AssignmentRule(
        scope=rule.scope,
        scope_value="" if rule.scope == "all" else rule.scope_value.strip(),
        regulation_id=rule.regulation_id,
        due_days=rule.due_days,
        created_at=naive_utc(clock.now()),
    )
    session.add(row)
    session.flush()
    add_missing_assignments(session, clock)
    return row


def remove_rule(session: Session, rule_id: int) -> AssignmentRule:
    rule = session.get(AssignmentRule, rule_id)
    if rule is None:
        raise NotFound(f"rule {rule_id}")
    session.delete(rule)
    session.flush()
    remove_uncovered_assignments(session)
    return rule


@dataclass(frozen=True)
class HandbookItem:
    """One regulation on a person's list, and where they stand with it."""

    regulation: Regulation
    version: RegulationVersion
    requested_on: dt.date
    due_on: dt.date
    state: ItemState
    signed_at: dt.datetime | None  # the signature that counts, if done
    signed_before: RegulationVersion | None  # an older version they signed (a re-sign request)


def my_handbook(session: Session, user: User, today: dt.date) -> list[HandbookItem]:
    """The user's assignments, pending and overdue first, newest revisions first within each."""
    rows = session.execute(
        select(Assignment, Regulation, RegulationVersion)
        .join(Regulation, Regulation.id == Assignment.regulation_id)
        .join(RegulationVersion, RegulationVersion.id == Regulation.current_version_id)
        .where(Assignment.user_id == user.id, Regulation.retired.is_(False))
    ).all()
    signed = session.execute(
        select(Acknowledgement.regulation_id, Acknowledgement.signed_at, RegulationVersion)
        .join(RegulationVersion, RegulationVersion.id == Acknowledgement.version_id)
        .where(Acknowledgement.user_id == user.id)
        .order_by(Acknowledgement.id)
    ).all()
    latest: dict[int, tuple[dt.datetime, RegulationVersion]] = {}
    counting: dict[tuple[int, int | None], dt.datetime] = {}
    for regulation_id, signed_at, version in signed:
        latest[regulation_id] = (signed_at, version)
        counting.setdefault((regulation_id, version.baseline_version_id), signed_at)
    items = []
    for assignment, regulation, version in rows:
        done_at = counting.get((regulation.id, version.baseline_version_id))
        state: ItemState = "done" if done_at else ("overdue" if assignment.due_on < today else "pending")
        earlier = latest.get(regulation.id)
        items.append(
            HandbookItem(
                regulation, version, assignment.requested_on, assignment.due_on, state, done_at,
                earlier[1] if earlier and not done_at else None,
            )
        )
    order = {"overdue": 0, "pending": 1, "done": 2}
    items.sort(key=lambda i: (order[i.state], -i.version.id))
    return items


@user_created.connect
def _assign_new_user(user: User, *, session: Session, clock: Clock, new_hire_days: int, **_: Any) -> None:
    add_missing_assignments(session, clock, user=user, new_hire_days=new_hire_days)


@roles_changed.connect
def _assign_after_role_change(_user: User, *, session: Session, clock: Clock, **_: Any) -> None:
    add_missing_assignments(session, clock)
