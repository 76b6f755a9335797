"""Numbers handed out one by one, atomic on SQLite and PostgreSQL (finding 5 of the trust review).

``max(number) + 1`` read in one request and written in another lets two parallel
requests take the same number: one of them failed on the unique constraint and was
lost.  Here a counter row is incremented by one ``UPDATE … RETURNING``: on
PostgreSQL the row lock makes a second request wait for the first to commit and
then see its value; on SQLite the update takes the database's single write lock
(requests wait for it up to the busy timeout).  Either way the counter and the row
that uses its value commit together, or neither does.

The same row is also the way to run work one at a time across processes and
hosts: :func:`hold` takes it and keeps it until the transaction ends (publishing
does, so that a CLI publish and the task queue's never interleave).
"""

from __future__ import annotations

from sqlalchemy import Integer, String, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.extensions import Base


class NumberSequence(Base):
    """The last number handed out under a name (``form:HY-2026``, ``publish``)."""

    __tablename__ = "number_sequences"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


def take_next(session: Session, name: str) -> int:
    """The next number of ``name`` (1 for the first); it is held until the caller's transaction ends."""
    number = _increment(session, name)
    if number is None:
        _create(session, name)
        number = _increment(session, name)
    assert number is not None
    return number


def hold(session: Session, name: str) -> None:
    """Take ``name``'s row lock until the transaction ends: work under the same name waits its turn."""
    take_next(session, name)


def _increment(session: Session, name: str) -> int | None:
    statement = (
        update(NumberSequence).where(NumberSequence.name == name)
        .values(last=NumberSequence.last + 1).returning(NumberSequence.last)
    )
    return session.execute(statement, execution_options={"synchronize_session": False}).scalar()


def _create(session: Session, name: str) -> None:
    """The row of a new name; a parallel request creating it too is no error (it just exists)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(NumberSequence).values(name=name, last=0).on_conflict_do_nothing())
