"""People as the forms see them: the directory for validation, and users by name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.validation import Directory
from portal.auth.models import User


def directory(session: Session) -> Directory:
    """The active users' names and their departments: what person and department fields may name."""
    rows = session.execute(select(User.name, User.department).where(User.active.is_(True))).all()
    return Directory(people={name for name, _ in rows}, departments={dep for _, dep in rows if dep})


def users_named(session: Session, name: str) -> list[User]:
    return list(session.scalars(select(User).where(User.name == name, User.active.is_(True)).order_by(User.id)))
