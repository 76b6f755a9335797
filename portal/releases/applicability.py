"""Which departments a regulation version applies to (issue 15 D6).

A version lists its departments in ``regulation_version_departments``; a version without rows applies to
every department.  The choice is made per regulation when HR prepares a draft and defaults to what the
version in force applies to.  :mod:`portal.assignments.services` reads the rows when it materialises
assignments, so re-sign requests and new assignments reach only the people a version applies to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.assignments.models import Assignment
from portal.auth.models import User
from portal.releases.models import VersionDepartment

Departments = tuple[str, ...]
"""Sorted department names; empty = every department."""
EVERYONE: Departments = ()


def normalised(departments: Iterable[str]) -> Departments:
    return tuple(sorted({d.strip() for d in departments if d.strip()}))


def departments_of(session: Session, version_id: int | None) -> Departments:
    if version_id is None:
        return EVERYONE
    return tuple(session.scalars(
        select(VersionDepartment.department).where(VersionDepartment.version_id == version_id)
        .order_by(VersionDepartment.department)
    ))


def departments_by_version(session: Session, version_ids: Iterable[int]) -> dict[int, Departments]:
    """Every listed version → its departments (versions for everyone map to ``()``)."""
    ids = list(version_ids)
    found: dict[int, list[str]] = {i: [] for i in ids}
    for version_id, department in session.execute(
        select(VersionDepartment.version_id, VersionDepartment.department)
        .where(VersionDepartment.version_id.in_(ids)).order_by(VersionDepartment.department)
    ):
        found[version_id].append(department)
    return {i: tuple(d) for i, d in found.items()}


def write_departments(session: Session, version_id: int, departments: Departments) -> None:
    session.add_all(VersionDepartment(version_id=version_id, department=d) for d in departments)


def label(departments: Departments, counts: Mapping[str, int] | None = None) -> str:
    """In Chinese, for pages, mails and the audit log: 全部部门, or 销售部（3 人）、财务部."""
    if not departments:
        return "全部部门"
    if counts is None:
        return "、".join(departments)
    return "、".join(f"{d}（{counts.get(d, 0)} 人）" for d in departments)


@dataclass(frozen=True)
class Applicability:
    """One regulation of a draft, for the preview and the approval: whom it will apply to, and what changes."""

    departments: Departments  # after the publish; () = every department
    in_force: Departments | None  # the version in force's (None: a new regulation)
    chosen: bool  # HR chose it in this draft (else it is the version in force's)
    people: int  # active people it will apply to
    ending: int  # open assignments that will end as 不再适用

    @property
    def changed(self) -> bool:
        return self.in_force is not None and self.departments != self.in_force


def effect(session: Session, regulation_id: int | None, departments: Departments) -> tuple[int, int]:
    """(people it will apply to, open assignments of the regulation that will end) for ``departments``."""
    people = select(func.count(User.id)).where(User.active.is_(True))
    if departments:
        people = people.where(User.department.in_(departments))
    ending = 0
    if regulation_id is not None and departments:
        ending = session.scalar(
            select(func.count(Assignment.id)).join(User, User.id == Assignment.user_id)
            .where(Assignment.regulation_id == regulation_id, User.department.not_in(departments))
        ) or 0
    return int(session.scalar(people) or 0), int(ending)


def choosable(counts: Mapping[str, int], in_force: Iterable[Departments | None]) -> list[tuple[str, int]]:
    """The departments HR may tick: those with people (and their head counts), and any a version in force lists."""
    names = set(counts) | {d for scope in in_force if scope for d in scope}
    return [(name, counts.get(name, 0)) for name in sorted(names)]
