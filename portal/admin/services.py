"""Administration operations on people: who may edit whom, roles HR may grant, activation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.auth.sessions import end_sessions_of
from portal.clock import Clock
from portal.errors import NotFound, PermissionDenied, ValidationFailed
from portal.signing_status import counters

# HR records people's work (a manager is a position); the privileges (hr, approver, admin) are an
# administrator's to give, so an HR clerk cannot promote themselves or a colleague.
HR_GRANTABLE = frozenset({Role.EMPLOYEE, Role.MANAGER})


def grantable_roles(actor: User) -> frozenset[Role]:
    return frozenset(Role) if actor.has_role(Role.ADMIN) else HR_GRANTABLE


def merged_roles(actor: User, current: frozenset[Role], chosen: frozenset[Role]) -> frozenset[Role]:
    """The roles after ``actor`` saved ``chosen``: what they may not grant stays as it was (pure)."""
    allowed = grantable_roles(actor)
    return (chosen & allowed) | (current - allowed)


def person_for(session: Session, actor: User, user_id: int) -> User:
    """A person HR may edit: anyone but an administrator's account (only administrators edit those)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}", "找不到该账号。")
    if user.has_role(Role.ADMIN) and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(f"{actor.employee_no} may not edit administrator {user.employee_no}")
    return user


def set_active(session: Session, clock: Clock, user: User, active: bool, *, actor: User, ip: str = "") -> bool:
    """Activate or deactivate (a person leaving): deactivation ends every session of the account at once."""
    if user.active == active:
        return False
    if not active and actor.id == user.id:
        raise ValidationFailed("deactivating oneself", "不能停用自己的账号。")
    user.active = active
    session.flush()
    counters.on_active_changed(session, user.id, active)
    if not active:
        end_sessions_of(session, clock, user.id, "deactivated")  # reactivating must not bring old cookies back
    audit(session, clock, "user_updated", actor=actor, ip=ip, target=f"{user.employee_no} {user.name}",
          detail="启用账号" if active else "停用账号（离职）")
    return True


def departments_in_use(session: Session) -> list[str]:
    """The departments people are in, for the person page's suggestions."""
    rows = session.scalars(select(User.department).where(User.department != "").distinct().order_by(User.department))
    return list(rows.all())
