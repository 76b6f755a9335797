"""Keeping assignments in step with rules, and each person's list ("my handbook").

Rules are few; users × regulations can be large (10,000 × 30), so the
materialisation is done with ``INSERT … SELECT`` and ``DELETE … WHERE NOT``
statements, never row by row in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    String,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from portal.access import Role
from portal.acks.models import Acknowledgement
from portal.assignments.models import SCOPES, Assignment, AssignmentHistory, AssignmentRule
from portal.auth.events import department_changed, roles_changed, user_created
from portal.auth.models import User, UserRole
from portal.clock import Clock, naive_utc
from portal.errors import NotFound, ValidationFailed
from portal.releases.models import Regulation, RegulationVersion, VersionDepartment
from portal.signing_status import counters

ItemState = Literal["pending", "overdue", "done"]


@dataclass(frozen=True)
class NewRule:
    """A rule as HR states it: a number of days *or* a fixed date (``due_days`` 0 then)."""

    scope: str
    scope_value: str
    regulation_id: int | None
    due_days: int = 0
    due_on: dt.date | None = None
    read_order: int | None = None


def _user_condition(rule: AssignmentRule | NewRule) -> ColumnElement[bool]:
    if rule.scope == "department":
        return User.department == rule.scope_value
    if rule.scope == "role":
        return User.id.in_(select(UserRole.user_id).where(UserRole.role == rule.scope_value))
    if rule.scope == "user":
        return User.employee_no == rule.scope_value
    return true()


def applies_to(department: Any, version_id: Any) -> ColumnElement[bool]:
    """The version applies to the department: it lists no department (everyone) or lists this one."""
    limited = exists().where(VersionDepartment.version_id == version_id)
    listed = exists().where(VersionDepartment.version_id == version_id, VersionDepartment.department == department)
    return or_(~limited, listed)


def _applies_to_holder() -> ColumnElement[bool]:
    """The version in force of the assignment's regulation applies to its holder's department."""
    # Correlated explicitly: nested two levels deep, auto-correlation would not reach the outer assignments.
    in_force = (select(Regulation.current_version_id).where(Regulation.id == Assignment.regulation_id)
                .correlate(Assignment).scalar_subquery())
    holder = aliased(User)
    department = select(holder.department).where(holder.id == Assignment.user_id).correlate(Assignment).scalar_subquery()
    return applies_to(department, in_force)


def _regulation_condition(rule: AssignmentRule | NewRule, regulation_id: Any) -> ColumnElement[bool]:
    return true() if rule.regulation_id is None else regulation_id == rule.regulation_id


def new_hire_due(hire_date: dt.date | None, today: dt.date, new_hire_days: int) -> dt.date | None:
    """A recent hire's deadline counts from the hire date; others get the rule's period."""
    if hire_date is None or hire_date < today - dt.timedelta(days=new_hire_days):
        return None
    return max(hire_date, today) + dt.timedelta(days=new_hire_days)


def is_new_hire(user: User, today: dt.date, days: int) -> bool:
    """Hired in the last ``days`` days (or hired ahead of today)."""
    return user.hire_date is not None and user.hire_date >= today - dt.timedelta(days=days)


def rule_due(rule: AssignmentRule | NewRule, today: dt.date) -> dt.date:
    """The deadline a rule gives an assignment created ``today`` (for people who are not new hires)."""
    return rule.due_on if rule.due_on is not None else today + dt.timedelta(days=rule.due_days)


def _missing_pairs(rule: AssignmentRule | NewRule, due: dt.date, today: dt.date) -> Any:
    """(user, regulation, requested, due) rows the rule calls for that do not exist yet."""
    return (
        select(User.id, Regulation.id, literal(today, Date), literal(due, Date))
        .select_from(User)
        .join(Regulation, true())  # every user × every regulation, then narrowed by the rule
    ).where(
        User.active.is_(True),
        Regulation.retired.is_(False),
        Regulation.current_version_id.is_not(None),
        _user_condition(rule),
        _regulation_condition(rule, Regulation.id),
        applies_to(User.department, Regulation.current_version_id),
        ~exists().where(Assignment.user_id == User.id, Assignment.regulation_id == Regulation.id),
    )


def add_missing_assignments(
    session: Session, clock: Clock, *, user: User | None = None, new_hire_days: int = 14
) -> None:
    """Create the assignments the rules call for and that do not exist yet (all users, or one).

    People hired in the last ``new_hire_days`` days get the new-hire deadline whichever way the
    assignment arises (their account, a new rule, a new release, a transfer): one statement for
    everyone else, and one per recent hire date (a handful).
    """
    today = clock.today()
    cutoff = today - dt.timedelta(days=new_hire_days)
    recent = select(User.hire_date).where(User.hire_date >= cutoff, User.active.is_(True)).distinct()
    if user is not None:
        recent = recent.where(User.id == user.id)
    hire_dates = [d for d in session.scalars(recent).all() if d is not None]
    columns = ["user_id", "regulation_id", "requested_on", "due_on"]
    change = counters.for_user(session, user.id) if user is not None else None
    touched: set[int] = set()  # regulations that got assignments: their counters are counted again
    for rule in session.scalars(select(AssignmentRule)).all():
        groups: list[tuple[dt.date, ColumnElement[bool]]] = [
            (rule_due(rule, today), or_(User.hire_date.is_(None), User.hire_date < cutoff))
        ]
        groups += [(new_hire_due(d, today, new_hire_days) or today, User.hire_date == d) for d in hire_dates]
        for due, who in groups:
            pairs = _missing_pairs(rule, due, today).where(who)
            if user is not None:
                pairs = pairs.where(User.id == user.id)
            added = session.execute(insert(Assignment).from_select(columns, pairs).returning(Assignment.regulation_id))
            touched.update(added.scalars().all())
    if change is not None:
        change.done()
    else:
        counters.refresh_regulations(session, sorted(touched))


def remove_uncovered_assignments(
    session: Session, clock: Clock, *, user: User | None = None, reason: str = "rule_removed",
    department: str | None = None,
) -> int:
    """Move the assignments no rule asks for any more, or whose regulation no longer applies to the
    holder's department, into the history (all users, or one).

    ``department`` is recorded as the department the person was in (a transfer passes the old one).
    Signatures stay in the acknowledgement log.  Returns how many assignments ended.
    """
    rules = session.scalars(select(AssignmentRule)).all()
    covered = [
        and_(
            exists().where(User.id == Assignment.user_id, _user_condition(rule)),
            _regulation_condition(rule, Assignment.regulation_id),
        )
        for rule in rules
    ]
    condition = ~and_(or_(*covered), _applies_to_holder()) if covered else true()
    if user is not None:
        condition = and_(condition, Assignment.user_id == user.id)
    return _end_assignments(session, clock, condition, reason, department, user.id if user is not None else None)


def end_inapplicable_assignments(session: Session, clock: Clock, regulation_id: int) -> int:
    """A new version no longer applies to some departments: their people's open assignments of the
    regulation move to the history as 不再适用 (kept, never deleted).  Returns how many ended."""
    condition = and_(Assignment.regulation_id == regulation_id, ~_applies_to_holder())
    return _end_assignments(session, clock, condition, "not_applicable", None, None)


def _end_assignments(
    session: Session, clock: Clock, condition: ColumnElement[bool], reason: str, department: str | None,
    user_id: int | None,
) -> int:
    # The completion counters change in the same transaction: one person's rows, or every regulation touched.
    change = counters.for_user(session, user_id) if user_id is not None else None
    ending = [] if user_id is not None else list(session.scalars(select(Assignment.regulation_id).where(condition).distinct()))
    today = clock.today()
    person = aliased(User)  # the conditions' own User must correlate to nothing but the assignment
    department_column = literal(department, String) if department is not None else person.department
    archived = (
        select(Assignment.user_id, Assignment.regulation_id, department_column, Assignment.requested_on,
               Assignment.due_on, literal(today, Date), literal(reason, String))
        .join(person, person.id == Assignment.user_id)
        .where(condition)
    )
    session.execute(insert(AssignmentHistory).from_select(
        ["user_id", "regulation_id", "department", "requested_on", "due_on", "ended_on", "reason"], archived
    ))
    result = session.execute(delete(Assignment).where(condition).execution_options(synchronize_session=False))
    if change is not None:
        change.done()
    else:
        counters.refresh_regulations(session, ending)
    return int(getattr(result, "rowcount", 0) or 0)


def validate_rule(rule: NewRule, today: dt.date) -> dict[str, str]:
    """Field → Chinese message for what is wrong with the rule's shape (pure)."""
    errors: dict[str, str] = {}
    if rule.scope not in SCOPES:
        errors["target"] = "请选择适用范围。"
    elif rule.scope != "all" and not rule.scope_value.strip():
        errors["target"] = "请选择部门、角色或填写工号。"
    if rule.due_on is None and not 1 <= rule.due_days <= 365:
        errors["due_days"] = "请填写 1 到 365 天的期限，或选择截止日期。"
    if rule.due_on is not None and rule.due_days:
        errors["due_days"] = "期限天数和截止日期只能填写一项。"
    if rule.due_on is not None and not today <= rule.due_on <= today + dt.timedelta(days=3 * 366):
        errors["due_on"] = "截止日期应在今天到三年之内。"
    if rule.read_order is not None and not 1 <= rule.read_order <= 99:
        errors["read_order"] = "阅读顺序应为 1 到 99。"
    return errors


def known_targets(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Departments and roles that exist among active people, each with its head count."""
    departments: dict[str, int] = dict(session.execute(
        select(User.department, func.count(User.id))
        .where(User.active.is_(True), User.department != "")
        .group_by(User.department).order_by(User.department)
    ).all())
    roles: dict[str, int] = dict(session.execute(
        select(UserRole.role, func.count(User.id)).join(User, User.id == UserRole.user_id)
        .where(User.active.is_(True)).group_by(UserRole.role)
    ).all())
    return departments, roles


def check_targets(session: Session, rule: NewRule) -> dict[str, str]:
    """Field → message when the rule names a department, role or person that does not exist."""
    if rule.regulation_id is not None and (
        not 0 < rule.regulation_id < 2**31 or session.get(Regulation, rule.regulation_id) is None  # PostgreSQL's integer
    ):
        return {"regulation_id": "请选择已发布的制度。"}
    value = rule.scope_value.strip()
    departments, roles = known_targets(session)
    if rule.scope == "department" and value not in departments:
        return {"target": f"没有名为“{value}”的部门（只能选择已有人员的部门）。"}
    if rule.scope not in SCOPES:
        return {"target": "请从列表中选择适用对象。"}
    if rule.scope == "role" and (value not in {r.value for r in Role} or value not in roles):
        return {"target": "请选择已有人员的角色。"}
    if rule.scope == "user":
        found = session.scalar(select(User.id).where(User.employee_no == value, User.active.is_(True)))
        if found is None:
            return {"employee_no": f"找不到在职的工号 {value}。"}
    return {}


@dataclass(frozen=True)
class RulePreview:
    """Who a rule would assign before it is saved."""

    people: int
    first_names: tuple[str, ...]
    new_tasks: int
    due: dt.date


def preview_rule(session: Session, rule: NewRule, today: dt.date, *, shown: int = 8) -> RulePreview:
    """Count the people and the tasks the rule would add (tasks: pairs without an assignment yet)."""
    who = select(User.name).where(User.active.is_(True), _user_condition(rule))
    people = session.scalar(select(func.count()).select_from(who.subquery())) or 0
    names = tuple(session.scalars(who.order_by(User.department, User.employee_no).limit(shown)).all())
    pairs = _missing_pairs(rule, rule_due(rule, today), today)
    tasks = session.scalar(select(func.count()).select_from(pairs.subquery())) or 0
    return RulePreview(int(people), names, int(tasks), rule_due(rule, today))


def add_rule(session: Session, clock: Clock, rule: NewRule, *, new_hire_days: int = 14) -> AssignmentRule:
    """Store the rule and create its assignments (the shape is checked; see :func:`save_rule`)."""
    errors = validate_rule(rule, clock.today())
    if errors:
        raise ValidationFailed(f"invalid rule: {sorted(errors)}", next(iter(errors.values())), field_errors=errors)
    if rule.regulation_id is not None and session.get(Regulation, rule.regulation_id) is None:
        raise NotFound(f"regulation {rule.regulation_id}")
    row = AssignmentRule(
        scope=rule.scope,
        scope_value="" if rule.scope == "all" else rule.scope_value.strip(),
        regulation_id=rule.regulation_id,
        due_days=0 if rule.due_on is not None else rule.due_days,
        due_on=rule.due_on,
        read_order=rule.read_order,
        created_at=naive_utc(clock.now()),
    )
    session.add(row)
    session.flush()
    add_missing_assignments(session, clock, new_hire_days=new_hire_days)
    return row


def save_rule(session: Session, clock: Clock, rule: NewRule, *, new_hire_days: int = 14) -> AssignmentRule:
    """HR's path: a department, role or person that does not exist is refused, then :func:`add_rule`."""
    errors = validate_rule(rule, clock.today()) or check_targets(session, rule)
    if errors:
        raise ValidationFailed(f"invalid rule: {sorted(errors)}", next(iter(errors.values())), field_errors=errors)
    return add_rule(session, clock, rule, new_hire_days=new_hire_days)


def remove_rule(session: Session, clock: Clock, rule_id: int) -> AssignmentRule:
    rule = session.get(AssignmentRule, rule_id)
    if rule is None:
        raise NotFound(f"rule {rule_id}")
    session.delete(rule)
    session.flush()
    remove_uncovered_assignments(session, clock)
    return rule


def reassign_after_transfer(
    session: Session, clock: Clock, user: User, old_department: str, *, new_hire_days: int = 14
) -> tuple[int, int]:
    """A person moved department: what only the old department's rules asked goes to the history as
    已调岗 (kept, not deleted), and the new department's rules add theirs.  Returns (ended, added)."""
    counters.on_transfer(session, user.id, old_department)  # what they counted moves with them first
    before = _open_count(session, user.id)
    ended = remove_uncovered_assignments(session, clock, user=user, reason="transfer", department=old_department)
    add_missing_assignments(session, clock, user=user, new_hire_days=new_hire_days)
    return ended, _open_count(session, user.id) - (before - ended)


def _open_count(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.count(Assignment.id)).where(Assignment.user_id == user_id)) or 0)


@dataclass(frozen=True)
class PastAssignment:
    """A row of a person's assignment history, with whether they had signed that regulation."""

    regulation_id: int
    title: str
    department: str
    requested_on: dt.date
    due_on: dt.date
    ended_on: dt.date
    reason: str
    signed: bool


def assignment_history(session: Session, user_id: int) -> list[PastAssignment]:
    signed = exists().where(Acknowledgement.user_id == AssignmentHistory.user_id,
                            Acknowledgement.regulation_id == AssignmentHistory.regulation_id)
    rows = session.execute(
        select(AssignmentHistory, Regulation.title, signed)
        .join(Regulation, Regulation.id == AssignmentHistory.regulation_id)
        .where(AssignmentHistory.user_id == user_id)
        .order_by(AssignmentHistory.ended_on.desc(), AssignmentHistory.id.desc())
    ).all()
    return [
        PastAssignment(h.regulation_id, title, h.department, h.requested_on, h.due_on, h.ended_on, h.reason, bool(done))
        for h, title, done in rows
    ]


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
    reattest: bool = False  # asked again on schedule, same text (portal/lifecycle)


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
    since = {assignment.regulation_id: assignment.signed_since for assignment, _, _ in rows}
    latest: dict[int, tuple[dt.datetime, RegulationVersion]] = {}
    counting: dict[tuple[int, int | None], dt.datetime] = {}
    for regulation_id, signed_at, version in signed:
        latest[regulation_id] = (signed_at, version)
        round_start = since.get(regulation_id)  # a re-attestation round (portal/lifecycle) counts its own only
        if round_start is None or signed_at >= round_start:
            counting.setdefault((regulation_id, version.baseline_version_id), signed_at)
    items = []
    for assignment, regulation, version in rows:
        done_at = counting.get((regulation.id, version.baseline_version_id))
        state: ItemState = "done" if done_at else ("overdue" if assignment.due_on < today else "pending")
        earlier = latest.get(regulation.id)
        items.append(
            HandbookItem(
                regulation, version, assignment.requested_on, assignment.due_on, state, done_at,
                earlier[1] if earlier and not done_at and earlier[1].baseline_version_id != version.baseline_version_id else None,
                assignment.signed_since is not None and not done_at,
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


@department_changed.connect
def _reassign_after_transfer(user: User, *, session: Session, clock: Clock, old_department: str,
                             new_hire_days: int = 14, **_: Any) -> None:
    reassign_after_transfer(session, clock, user, old_department, new_hire_days=new_hire_days)
