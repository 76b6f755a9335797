"""Keeping the completion counters (:mod:`portal.signing_status.models`) exact, in the same transaction
as the change that moves them, and reading the dashboard from them.

What moves a counter, and how it is kept:

- a signature: :func:`on_signed`, one ``INSERT … SELECT … ON CONFLICT`` adding 1 to the signer's
  (department, regulation, version, due date) row if the signer has an assignment for it;
- one person's assignments (a new account, a transfer's rules) and a transfer or deactivation: the
  person's contribution before and after, the difference applied (:func:`for_user`, :func:`on_transfer`,
  :func:`on_active_changed`);
- bulk assignment changes (a rule added or removed, a release, a substantive revision's new due
  dates): the affected regulations are counted again from the tables (:func:`refresh_regulations`).

Concurrency.  On SQLite every write transaction holds the database's single write lock, so nothing
interleaves.  On PostgreSQL (read committed) a signer and a maintenance step could each miss the
other's uncommitted row (a signature and a new assignment, say).  So a signer takes *shared* advisory
locks on its person and its regulation, and maintenance takes the *exclusive* lock of the people or
regulations it recounts before it reads; signers of other people and regulations never wait.
Maintenance steps run one at a time (the ``completion-counters`` row of ``number_sequences``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.acks.models import Acknowledgement
from portal.assignments.models import Assignment
from portal.auth.models import User
from portal.sequences import hold
from portal.signing_status.models import ASSIGNED, CompletionCounter

MAINTENANCE = "completion-counters"
# Advisory lock namespaces (PostgreSQL's two-integer form): a person, a regulation.
USER_LOCKS, REGULATION_LOCKS = 0x6363_0001, 0x6363_0002
CHUNK = 1000  # ids per IN list


class Key(NamedTuple):
    department: str
    regulation_id: int
    version_id: int
    due_on: dt.date


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _insert(session: Session) -> Any:
    return postgresql_insert if _is_postgres(session) else sqlite_insert


# --- counting from the tables -------------------------------------------------------------------


def _contribution_query(conditions: Sequence[ColumnElement[bool]], active_only: bool) -> Any:
    """(key..., n) rows: assignments (version 0) and, per signed version, the signed assignments."""
    where = [*conditions, User.active.is_(True)] if active_only else list(conditions)
    assigned = (
        select(User.department, Assignment.regulation_id, literal(ASSIGNED, Integer), Assignment.due_on, func.count())
        .select_from(Assignment).join(User, User.id == Assignment.user_id)
        .where(*where)
        .group_by(User.department, Assignment.regulation_id, Assignment.due_on)
    )
    signed = (
        select(User.department, Assignment.regulation_id, Acknowledgement.version_id, Assignment.due_on, func.count())
        .select_from(Assignment).join(User, User.id == Assignment.user_id)
        .join(Acknowledgement, and_(Acknowledgement.user_id == Assignment.user_id,
                                    Acknowledgement.regulation_id == Assignment.regulation_id,
                                    # a re-attestation round (portal/lifecycle) counts only its own signatures
                                    or_(Assignment.signed_since.is_(None),
                                        Acknowledgement.signed_at >= Assignment.signed_since)))
        .where(*where)
        .group_by(User.department, Assignment.regulation_id, Acknowledgement.version_id, Assignment.due_on)
    )
    return union_all(assigned, signed)


def count(
    session: Session, *, users: Sequence[int] | None = None, regulations: Sequence[int] | None = None,
    active_only: bool = True,
) -> Counter[Key]:
    """The counters as the tables say they should be (all, or for some people or regulations)."""
    totals: Counter[Key] = Counter()
    for condition in _id_conditions(users, regulations):
        for department, regulation_id, version_id, due_on, n in session.execute(_contribution_query([condition], active_only)):
            totals[Key(department, regulation_id, version_id, due_on)] += int(n)
    return totals


def _id_conditions(users: Sequence[int] | None, regulations: Sequence[int] | None) -> Iterable[ColumnElement[bool]]:
    if users is not None:
        ids = sorted(set(users))
        return [Assignment.user_id.in_(ids[i:i + CHUNK]) for i in range(0, len(ids), CHUNK)]
    if regulations is not None:
        ids = sorted(set(regulations))
        return [Assignment.regulation_id.in_(ids[i:i + CHUNK]) for i in range(0, len(ids), CHUNK)]
    return [true()]


def stored(session: Session, *, regulations: Sequence[int] | None = None) -> Counter[Key]:
    """The counters as stored (rows at zero left out)."""
    query = select(CompletionCounter).where(CompletionCounter.n != 0)
    if regulations is not None:
        query = query.where(CompletionCounter.regulation_id.in_(list(regulations)))
    return Counter({
        Key(c.department, c.regulation_id, c.version_id, c.due_on): c.n for c in session.scalars(query)
    })


# --- writing ------------------------------------------------------------------------------------


def apply(session: Session, delta: Mapping[Key, int]) -> None:
    """Add ``delta`` to the stored counters (one upsert), then drop the rows that reached zero."""
    rows = [{**key._asdict(), "n": n} for key, n in delta.items() if n]
    if not rows:
        return
    insert = _insert(session)
    for start in range(0, len(rows), CHUNK):
        statement = insert(CompletionCounter).values(rows[start:start + CHUNK])
        session.execute(statement.on_conflict_do_update(
            index_elements=["department", "regulation_id", "version_id", "due_on"],
            set_={"n": CompletionCounter.n + statement.excluded.n},
        ))
    session.execute(delete(CompletionCounter).where(CompletionCounter.n == 0))


def on_signed(session: Session, user_id: int, regulation_id: int, version_id: int) -> None:
    """A signature was added: count it where the signer's assignment is (no assignment, no count).

    Called inside the signing transaction; two statements on PostgreSQL (the shared locks, then the
    upsert), one on SQLite.
    """
    if _is_postgres(session):
        session.execute(
            text("SELECT pg_advisory_xact_lock_shared(:u, :user), pg_advisory_xact_lock_shared(:r, :regulation)"),
            {"u": USER_LOCKS, "user": user_id, "r": REGULATION_LOCKS, "regulation": regulation_id},
        )
    source = (
        select(User.department, Assignment.regulation_id, literal(version_id, Integer), Assignment.due_on, literal(1, Integer))
        .select_from(Assignment).join(User, User.id == Assignment.user_id)
        .where(Assignment.user_id == user_id, Assignment.regulation_id == regulation_id, User.active.is_(True))
    )
    statement = _insert(session)(CompletionCounter).from_select(
        ["department", "regulation_id", "version_id", "due_on", "n"], source
    )
    session.execute(statement.on_conflict_do_update(
        index_elements=["department", "regulation_id", "version_id", "due_on"],
        set_={"n": CompletionCounter.n + 1},
    ))


def _lock(session: Session, namespace: int, ids: Iterable[int]) -> None:
    """One maintenance step at a time; on PostgreSQL also the exclusive locks that keep signers out."""
    hold(session, MAINTENANCE)
    if _is_postgres(session):
        for i in sorted(set(ids)):  # one order everywhere: no deadlock between two maintainers
            session.execute(text("SELECT pg_advisory_xact_lock(:ns, :id)"), {"ns": namespace, "id": i})


def lock_users(session: Session, users: Sequence[int]) -> None:
    _lock(session, USER_LOCKS, users)


def lock_regulations(session: Session, regulations: Sequence[int]) -> None:
    _lock(session, REGULATION_LOCKS, regulations)


@dataclass
class UserChange:
    """A person's contribution before a change; :meth:`done` applies the difference after it."""

    session: Session
    users: tuple[int, ...]
    before: Counter[Key]

    def done(self) -> None:
        self.session.flush()
        after = count(self.session, users=self.users)
        delta = Counter(after)
        delta.subtract(self.before)
        apply(self.session, delta)


def for_user(session: Session, user_id: int) -> UserChange:
    """Call before changing one person's assignments, then ``.done()`` after."""
    session.flush()
    lock_users(session, [user_id])
    return UserChange(session, (user_id,), count(session, users=[user_id]))


def on_transfer(session: Session, user_id: int, old_department: str) -> None:
    """The person's department changed (flushed): move what they counted from the old department."""
    lock_users(session, [user_id])
    moved = count(session, users=[user_id])
    delta: Counter[Key] = Counter(moved)
    for key, n in moved.items():
        delta[key._replace(department=old_department)] -= n
    apply(session, delta)


def on_active_changed(session: Session, user_id: int, active: bool) -> None:
    """A person was activated (their assignments count again) or deactivated (they stop counting)."""
    lock_users(session, [user_id])
    theirs = count(session, users=[user_id], active_only=False)
    apply(session, Counter({key: n if active else -n for key, n in theirs.items()}))


def refresh_regulations(session: Session, regulations: Sequence[int]) -> None:
    """Count these regulations again from the tables (after a bulk change of their assignments)."""
    if not regulations:
        return
    lock_regulations(session, regulations)
    session.flush()
    delta = count(session, regulations=regulations)
    delta.subtract(stored(session, regulations=regulations))
    apply(session, delta)


def rebuild(session: Session) -> int:
    """Throw the counters away and count everything again (upgrades, repairs).  Returns the row count."""
    hold(session, MAINTENANCE)
    if _is_postgres(session):  # keep every signer out while the whole table is rewritten
        session.execute(text("LOCK TABLE completion_counters IN EXCLUSIVE MODE"))
    session.execute(delete(CompletionCounter))
    totals = count(session)
    apply(session, totals)
    return len(totals)


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """One (department, regulation) of the dashboard, from the counters."""

    assigned: int = 0
    signed: int = 0
    assigned_late: int = 0
    signed_late: int = 0

    @property
    def overdue(self) -> int:
        return self.assigned_late - self.signed_late


def tallies(
    session: Session, counting: Mapping[int, Sequence[int]], today: dt.date, *, departments: Sequence[str] | None = None,
) -> dict[tuple[str, int], Tally]:
    """Per (department, regulation): assignments, those signed on a counting version, and the same for
    assignments due before ``today``.  ``counting`` maps each shown regulation to its counting versions
    (one baseline: at most one signature per person among them, so the sums never count anyone twice).
    """
    versions = [v for ids in counting.values() for v in ids]
    if not counting:
        return {}
    late = case((CompletionCounter.due_on < today, CompletionCounter.n), else_=0)
    query = (
        select(CompletionCounter.department, CompletionCounter.regulation_id, CompletionCounter.version_id,
               func.sum(CompletionCounter.n), func.sum(late))
        .where(CompletionCounter.regulation_id.in_(list(counting)),
               CompletionCounter.version_id.in_([ASSIGNED, *versions]))
        .group_by(CompletionCounter.department, CompletionCounter.regulation_id, CompletionCounter.version_id)
    )
    if departments is not None:
        query = query.where(CompletionCounter.department.in_(list(departments)))
    sums: dict[tuple[str, int], list[int]] = {}
    for department, regulation_id, version_id, n, n_late in session.execute(query):
        slot = sums.setdefault((department, regulation_id), [0, 0, 0, 0])
        column = 0 if version_id == ASSIGNED else 1
        slot[column] += int(n or 0)
        slot[column + 2] += int(n_late or 0)
    return {key: Tally(*values) for key, values in sums.items() if values[0]}


def differences(session: Session) -> dict[Key, tuple[int, int]]:
    """Where the stored counters and a full recount disagree: key → (stored, counted).  Empty: exact."""
    kept, counted = stored(session), count(session)
    return {key: (kept[key], counted[key]) for key in sorted(set(kept) | set(counted)) if kept[key] != counted[key]}
