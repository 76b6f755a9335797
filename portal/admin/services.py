"""Administration operations: account activation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.auth.sessions import end_sessions_of
from portal.clock import Clock


def set_active(session: Session, clock: Clock, user: User, active: bool, *, actor: User, ip: str = "") -> bool:
    if user.active == active:
        return False
    user.active = active
    if not active:
        end_sessions_of(session, clock, user.id, "deactivated")  # reactivating must not bring old cookies back
    audit(session, clock, "user_updated", actor=actor, ip=ip, target=f"{user.employee_no} {user.name}",
          detail="启用账号" if active else "停用账号")
    return True
