"""The dashboard's numbers, computed by SQL aggregates (10,000 people × 30 regulations
× 3 versions of signatures must not pass through Python row by row).

Which signatures count for a regulation depends on the *target version*
(the current one, or the one in force at a chosen release): any version
with the same baseline.  Those version ids are computed first (a few dozen
rows); the big tables are then only filtered, joined and grouped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, literal, null, or_, select
from sqlalchemy.orm import Session

from portal.acks.models import Acknowledgement
from portal.assignments.models import Assignment
from portal.auth.models import User
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord
from portal.signing_status.counters import tallies


@dataclass(frozen=True)
class DashboardFilter:
    department: str = ""
    regulation_id: int | None = None
    release: str = ""  # a release version: count signatures of the text in force then
    hired_from: dt.date | None = None
    hired_to: dt.date | None = None
    # Whose people may be counted at all: None = the whole company (HR); a department name = a
    # manager's own department only, whatever else is asked; "" = nobody (an account without one).
    scope: str | None = None


@dataclass(frozen=True)
class Cell:
    department: str
    regulation_id: int
    assigned: int
    signed: int
    overdue: int

    @property
    def pending(self) -> int:
        return self.assigned - self.signed

    @property
    def percent(self) -> float:
        return 100.0 * self.signed / self.assigned if self.assigned else 0.0


@dataclass(frozen=True)
class Totals:
    assigned: int = 0
    signed: int = 0
    overdue: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.signed / self.assigned if self.assigned else 0.0

    def plus(self, cell: Cell) -> Totals:
        return Totals(self.assigned + cell.assigned, self.signed + cell.signed, self.overdue + cell.overdue)


@dataclass(frozen=True)
class Matrix:
    departments: tuple[str, ...]
    regulations: tuple[tuple[int, str, str], ...]  # id, title, version label of the target
    cells: dict[tuple[str, int], Cell] = field(default_factory=dict)

    def cell(self, department: str, regulation_id: int) -> Cell | None:
        return self.cells.get((department, regulation_id))

    def by_department(self, department: str) -> Totals:
        totals = Totals()
        for (dept, _), cell in self.cells.items():
            if dept == department:
                totals = totals.plus(cell)
        return totals

    def by_regulation(self, regulation_id: int) -> Totals:
        totals = Totals()
        for (_, reg), cell in self.cells.items():
            if reg == regulation_id:
                totals = totals.plus(cell)
        return totals

    @property
    def total(self) -> Totals:
        totals = Totals()
        for cell in self.cells.values():
            totals = totals.plus(cell)
        return totals


@dataclass(frozen=True)
class Targets:
    """Per regulation: the target version's label, and the version ids whose signatures count."""

    labels: dict[int, str]
    counting: dict[int, tuple[int, ...]]

    def all_counting(self) -> list[int]:
        return [v for ids in self.counting.values() for v in ids]


def target_versions(session: Session, release: str = "") -> Targets:
    rows = session.execute(
        select(
            RegulationVersion.id, RegulationVersion.regulation_id, RegulationVersion.baseline_version_id,
            RegulationVersion.release_id, ReleaseRecord.version, Regulation.current_version_id,
        )
        .join(ReleaseRecord, ReleaseRecord.id == RegulationVersion.release_id)
        .join(Regulation, Regulation.id == RegulationVersion.regulation_id)
        .where(Regulation.retired.is_(False))  # retired regulations leave the dashboard
        .order_by(RegulationVersion.id)
    ).all()
    limit = session.scalar(select(ReleaseRecord.id).where(ReleaseRecord.version == release)) if release else None
    target: dict[int, tuple[int, int | None, str]] = {}  # regulation → (version id, baseline, label)
    for version_id, regulation_id, baseline, release_id, label, current_id in rows:
        if limit is None:
            if version_id == current_id:
                target[regulation_id] = (version_id, baseline, label)
        elif release_id <= limit:
            target[regulation_id] = (version_id, baseline, label)
    counting: dict[int, list[int]] = {r: [] for r in target}
    for version_id, regulation_id, baseline, _release_id, _label, _current in rows:
        if regulation_id in target and baseline == target[regulation_id][1] and version_id <= target[regulation_id][0]:
            counting[regulation_id].append(version_id)
    return Targets({r: t[2] for r, t in target.items()}, {r: tuple(ids) for r, ids in counting.items()})


def _user_filters(criteria: DashboardFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [User.active.is_(True)]
    if criteria.scope is not None:  # never treat a manager's empty department as "no filter"
        conditions.append(User.department == criteria.scope if criteria.scope else false())
    if criteria.department:
        conditions.append(User.department == criteria.department)
    if criteria.hired_from:
        conditions.append(User.hire_date >= criteria.hired_from)
    if criteria.hired_to:
        conditions.append(User.hire_date <= criteria.hired_to)
    return conditions


def _assignment_filters(criteria: DashboardFilter, targets: Targets) -> list[ColumnElement[bool]]:
    conditions = [*_user_filters(criteria), Assignment.regulation_id.in_(list(targets.labels))]
    if criteria.regulation_id:
        conditions.append(Assignment.regulation_id == criteria.regulation_id)
    return conditions


def _signed_condition(targets: Targets) -> ColumnElement[bool]:
    """An acknowledgement row that counts for its regulation's target version.

    Version ids belong to one regulation each, so one ``IN`` list says it all
    (and lets the database use the index on ``version_id``).
    """
    counting = targets.all_counting()
    return Acknowledgement.version_id.in_(counting) if counting else false()


def _counting_join(targets: Targets) -> ColumnElement[bool]:
    """The ON clause pairing an assignment with the signature that counts for it.

    With one counting version per regulation (no editorial revision since the
    last substantive one) it is an equality on a CASE, one index probe per
    assignment; otherwise the IN list.
    """
    pairing = and_(
        Acknowledgement.user_id == Assignment.user_id, Acknowledgement.regulation_id == Assignment.regulation_id,
        # A re-attestation round (portal/lifecycle) counts only the signatures given in it.
        or_(Assignment.signed_since.is_(None), Acknowledgement.signed_at >= Assignment.signed_since),
    )
    if targets.counting and all(len(ids) == 1 for ids in targets.counting.values()):
        single = {regulation_id: ids[0] for regulation_id, ids in targets.counting.items()}
        return and_(pairing, Acknowledgement.version_id == case(single, value=Assignment.regulation_id, else_=-1))
    return and_(pairing, _signed_condition(targets))


def completion_matrix(session: Session, criteria: DashboardFilter, today: dt.date, *, scan: bool = False) -> Matrix:
    """The dashboard's matrix: from the completion counters, or (a hire-date filter, which the counters
    do not keep, or ``scan``) by one pass over the assignments."""
    targets = target_versions(session, criteria.release)
    use_scan = scan or criteria.hired_from is not None or criteria.hired_to is not None
    cells = _scanned_cells(session, criteria, targets, today) if use_scan else _counted_cells(session, criteria, targets, today)
    regulations = session.execute(
        select(Regulation.id, Regulation.title)
        .where(Regulation.id.in_(list(targets.labels)), Regulation.retired.is_(False))
        .order_by(Regulation.position, Regulation.id)
    ).all()
    shown = [(i, t, targets.labels[i]) for i, t in regulations if not criteria.regulation_id or i == criteria.regulation_id]
    departments = sorted({d for d, _ in cells})
    return Matrix(tuple(departments), tuple(shown), cells)


def _counted_departments(criteria: DashboardFilter) -> list[str] | None:
    """The departments the criteria allow (None: all).  A manager's scope always applies."""
    allowed: set[str] | None = None
    if criteria.scope is not None:
        allowed = {criteria.scope} if criteria.scope else set()
    if criteria.department:
        allowed = {criteria.department} if allowed is None else allowed & {criteria.department}
    return None if allowed is None else sorted(allowed)


def _counted_cells(session: Session, criteria: DashboardFilter, targets: Targets, today: dt.date) -> dict[tuple[str, int], Cell]:
    counting = {r: ids for r, ids in targets.counting.items() if not criteria.regulation_id or r == criteria.regulation_id}
    found = tallies(session, counting, today, departments=_counted_departments(criteria))
    return {
        (department, regulation_id): Cell(department, regulation_id, t.assigned, t.signed, t.overdue)
        for (department, regulation_id), t in found.items()
    }


def _scanned_cells(session: Session, criteria: DashboardFilter, targets: Targets, today: dt.date) -> dict[tuple[str, int], Cell]:
    """One pass over the assignments, each joined to the signature that counts (if any).

    At most one counting signature exists per person, baseline and re-attestation round (the signing
    service refuses a second one under the chain lock), so the join never
    multiplies rows.
    """
    late = Assignment.due_on < today
    rows = session.execute(
        select(
            User.department,
            Assignment.regulation_id,
            func.count(),
            func.count(Acknowledgement.id),
            func.sum(case((and_(late, Acknowledgement.id.is_(None)), 1), else_=0)),
        )
        .select_from(Assignment)
        .join(User, User.id == Assignment.user_id)
        .outerjoin(Acknowledgement, _counting_join(targets))
        .where(*_assignment_filters(criteria, targets))
        .group_by(User.department, Assignment.regulation_id)
    ).all()
    return {
        (department, regulation_id): Cell(department, regulation_id, int(count), int(signed), int(overdue or 0))
        for department, regulation_id, count, signed, overdue in rows
    }


@dataclass(frozen=True)
class StatusRow:
    employee_no: str
    name: str
    department: str
    position: str
    hire_date: dt.date | None
    email: str
    regulation: str
    version: str
    due_on: dt.date
    signed_at: dt.datetime | None
    regulation_id: int = 0  # tells apart regulations that share a title (display only)

    def state(self, today: dt.date) -> str:
        if self.signed_at:
            return "已签署"
        return "逾期" if self.due_on < today else "待签署"


def _signed_at(targets: Targets) -> Any:
    """The time of the counting signature of the row's person and regulation (NULL if none)."""
    if not targets.counting:  # nothing published: no subquery (SQLite would be left with no table in it)
        return null()
    return select(func.min(Acknowledgement.signed_at)).where(_counting_join(targets)).correlate(Assignment).scalar_subquery()


def _is_signed(targets: Targets) -> ColumnElement[bool]:
    if not targets.counting:
        return false()
    return exists().where(_counting_join(targets))


def _status_query(criteria: DashboardFilter, targets: Targets, only: str, today: dt.date) -> Select[tuple[object, ...]]:
    label = case(targets.labels, value=Assignment.regulation_id, else_="") if targets.labels else literal("")
    query = (
        select(
            User.employee_no, User.name, User.department, User.position, User.hire_date, User.email,
            Regulation.title, label, Assignment.due_on, _signed_at(targets), Assignment.regulation_id,
        )
        .select_from(Assignment)
        .join(User, User.id == Assignment.user_id)
        .join(Regulation, Regulation.id == Assignment.regulation_id)
        .where(*_assignment_filters(criteria, targets))
    )
    if only in ("unsigned", "overdue"):
        query = query.where(~_is_signed(targets))
    if only == "overdue":
        query = query.where(Assignment.due_on < today)
    if only == "signed":
        query = query.where(_is_signed(targets))
    return query


def status_rows(
    session: Session,
    criteria: DashboardFilter,
    today: dt.date,
    *,
    only: str = "all",  # "all" | "unsigned" | "overdue" | "signed"
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[StatusRow]:
    """Each (person, regulation) with its state, for drill-down, overdue lists and exports."""
    targets = target_versions(session, criteria.release)
    query = _status_query(criteria, targets, only, today)
    query = query.order_by(Assignment.due_on, User.department, User.employee_no, Regulation.position)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    result = session.execute(query.execution_options(yield_per=2000))
    try:
        for row in result:
            yield StatusRow(*row)  # type: ignore[arg-type, call-arg]
    finally:
        result.close()  # a server-side cursor on PostgreSQL


def _cell_count(cell: Cell, only: str) -> int:
    if only == "signed":
        return cell.signed
    if only == "unsigned":
        return cell.pending
    if only == "overdue":
        return cell.overdue
    return cell.assigned


def count_status_rows(session: Session, criteria: DashboardFilter, today: dt.date, only: str) -> int:
    """How many rows :func:`status_rows` yields (the pager's total): from the counters unless a hire-date
    filter asks for what they do not keep."""
    targets = target_versions(session, criteria.release)
    if criteria.hired_from is None and criteria.hired_to is None:
        return sum(_cell_count(c, only) for c in _counted_cells(session, criteria, targets, today).values())
    query = _status_query(criteria, targets, only, today)
    return int(session.scalar(select(func.count()).select_from(query.with_only_columns(Assignment.id).subquery())) or 0)


def departments(session: Session) -> list[str]:
    return list(session.scalars(select(User.department).where(User.active.is_(True)).distinct().order_by(User.department)).all())


def releases(session: Session) -> list[str]:
    return list(session.scalars(select(ReleaseRecord.version).order_by(ReleaseRecord.id.desc())).all())
