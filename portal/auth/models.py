"""Users, their roles, their server-side sessions, and the login throttle's counters."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.access import Role
from portal.extensions import Base


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(Base):
    """An employee account.  ``session_token`` changes with the password, ending old sessions."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100), index=True, default="")
    position: Mapped[str] = mapped_column(String(100), default="")
    hire_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_hr(self) -> bool:
        return bool(self.roles & {Role.HR, Role.ADMIN})


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class UserSession(Base):
    """One signed-in browser.  The cookie carries a random token; only its SHA-256 is stored, so a copy of the
    database does not sign anyone in.  Ending the row ends every copy of the cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(400), default="")
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    end_reason: Mapped[str] = mapped_column(String(20), default="")


class LoginThrottle(Base):
    """The failure streak of one account or one IP address: the row is also the lock that makes
    "check, then count" one step (``SELECT … FOR UPDATE`` on PostgreSQL, the single writer on SQLite)."""

    __tablename__ = "login_throttles"

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)  # "account" or "ip"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    """Attempts refused while waiting, since the last failure (the first of them is audited)."""
