"""Account operations: create, authenticate (throttled), change password, roles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import ROLE_LABELS, Role
from portal.audit.services import record as audit
from portal.auth.events import department_changed, roles_changed, user_created
from portal.auth.models import User, UserRole, new_session_token
from portal.auth.passwords import hash_password, password_too_short, verify_password
from portal.auth.sessions import end_sessions_of
from portal.auth.throttle import ThrottlePolicy, clear, count_failure, lock_streaks, remaining_wait, wait_text
from portal.clock import Clock, naive_utc
from portal.errors import LoginFailed, LoginThrottled, NotFound, ValidationFailed

EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A manager sees their department's people; without one they would see nothing (or, before, everyone).
MANAGER_NEEDS_DEPARTMENT = "部门经理必须填写所属部门。"
DEFAULT_POLICY = ThrottlePolicy()

# Judges credentials: the account they open, or None.  It may raise a LoginFailed subclass with its own
# message (a directory saying the person left), which counts as a failure too.
Verifier = Callable[[Session, str, str], "User | None"]


@dataclass(frozen=True)
class NewUser:
    employee_no: str
    name: str
    password: str
    department: str = ""
    position: str = ""
    hire_date: dt.date | None = None
    email: str = ""
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.EMPLOYEE}))
    must_change_password: bool = True


def validate_new_user(user: NewUser, min_password: int = 8) -> dict[str, str]:
    """Field → Chinese message for everything wrong with ``user`` (empty when valid)."""
    errors: dict[str, str] = {}
    if not EMPLOYEE_NO.match(user.employee_no):
        errors["employee_no"] = "工号只能包含字母、数字、下划线或连字符（最多 32 位）。"
    if not user.name.strip() or len(user.name) > 100:
        errors["name"] = "请填写姓名（最多 100 字）。"
    if user.email and not EMAIL.match(user.email):
        errors["email"] = "邮箱格式不正确。"
    if (short := password_too_short(user.password, min_password)) is not None:
        errors["password"] = short
    if len(user.department) > 100 or len(user.position) > 100:
        errors["department"] = "部门或岗位名称过长。"
    elif Role.MANAGER in user.roles and not user.department.strip():
        errors["department"] = MANAGER_NEEDS_DEPARTMENT
    return errors


def find_user(session: Session, employee_no: str) -> User | None:
    return session.scalar(select(User).where(User.employee_no == employee_no.strip()))


def create_user(
    session: Session,
    clock: Clock,
    new: NewUser,
    *,
    hash_profile: str = "strong",
    new_hire_days: int = 14,
    actor: User | None = None,
    min_password: int = 8,
    ip: str = "",
    detail: str = "",
) -> User:
    """Create the account and give it the regulations its rules require (with a new-hire deadline)."""
    errors = validate_new_user(new, min_password)
    if find_user(session, new.employee_no) is not None:
        errors["employee_no"] = "该工号已存在。"
    if errors:
        raise ValidationFailed(f"invalid user {new.employee_no}: {sorted(errors)}", field_errors=errors)
    user = User(
        employee_no=new.employee_no.strip(),
        name=new.name.strip(),
        department=new.department.strip(),
        position=new.position.strip(),
        hire_date=new.hire_date,
        email=new.email.strip(),
        password_hash=hash_password(new.password, hash_profile),
        must_change_password=new.must_change_password,
        active=True,
        session_token=new_session_token(),
        created_at=naive_utc(clock.now()),
    )
    user.role_rows = [UserRole(role=role.value) for role in sorted(new.roles | {Role.EMPLOYEE})]
    session.add(user)
    session.flush()
    user_created.send(user, session=session, clock=clock, new_hire_days=new_hire_days)
    audit(session, clock, "user_created", actor=actor, target=f"{user.employee_no} {user.name}", ip=ip, detail=detail)
    return user


def local_verifier(session: Session, employee_no: str, password: str) -> User | None:
    """The local account when its password matches (the default verifier)."""
    user = find_user(session, employee_no)
    if user is None or not user.active or not verify_password(user.password_hash, password):
        return None
    return user


def authenticate(
    session: Session, clock: Clock, employee_no: str, password: str, ip: str, policy: ThrottlePolicy = DEFAULT_POLICY,
    verify: Verifier = local_verifier,
) -> User:
    """The user for these credentials, or ``LoginFailed``/``LoginThrottled``.  The caller commits.

    ``verify`` judges the credentials (the local password, or the company directory: portal.auth.signin).

    The streaks are locked first (portal.auth.throttle), so parallel attempts are checked and
    counted one after the other: no failure is lost and none slips past the threshold.
    """
    employee_no = employee_no.strip()[:32]
    now = naive_utc(clock.now())
    account, address = lock_streaks(session, employee_no, ip)
    waits = {
        "account": remaining_wait(account, policy.account_free, now, policy),
        "ip": remaining_wait(address, policy.ip_free, now, policy),
    }
    wait = max(waits.values())
    if wait:
        for row, scope in ((account, "account"), (address, "ip")):
            if not waits[scope]:
                continue
            row.refused += 1
            if row.refused == 1:  # once per wait: a flood of refused attempts does not flood the log
                who = f"账号 {employee_no}" if scope == "account" else f"地址 {ip}"
                audit(session, clock, "login_throttled", target=employee_no, ip=ip,
                      detail=f"{who} 连续失败 {row.failures} 次，须等待 {wait_text(waits[scope])}")
        raise LoginThrottled(f"login throttled for {employee_no} from {ip} ({wait.total_seconds():.0f} s)", wait, wait_text(wait))
    try:
        user = verify(session, employee_no, password)
        if user is None:
            raise LoginFailed(f"bad credentials for {employee_no}")
    except LoginFailed:
        count_failure(account, now, policy)
        count_failure(address, now, policy)
        audit(session, clock, "login_failed", target=employee_no, ip=ip)
        raise
    clear(account)  # the address's streak stays: one good account must not reset a guesser's count
    audit(session, clock, "login", actor=user, ip=ip)
    return user


def change_password(
    session: Session,
    clock: Clock,
    user: User,
    current: str,
    new: str,
    *,
    hash_profile: str = "strong",
    min_password: int = 8,
    ip: str = "",
) -> None:
    errors: dict[str, str] = {}
    if not verify_password(user.password_hash, current):
        errors["current_password"] = "当前密码不正确。"
    if (short := password_too_short(new, min_password)) is not None:
        errors["new_password"] = f"新{short}"
    elif new == current:
        errors["new_password"] = "新密码不能与当前密码相同。"
    elif new.strip() in {user.employee_no, user.name}:
        errors["new_password"] = "新密码不能是工号或姓名。"
    if errors:
        raise ValidationFailed("password change refused", field_errors=errors)
    user.password_hash = hash_password(new, hash_profile)
    user.must_change_password = False
    user.session_token = new_session_token()
    end_sessions_of(session, clock, user.id, "password")  # every browser; the view starts a new one for this
    audit(session, clock, "password_changed", actor=user, ip=ip)


def set_password(
    session: Session,
    clock: Clock,
    employee_no: str,
    password: str,
    *,
    hash_profile: str = "strong",
    temporary: bool = True,
    actor: User | None = None,
    min_password: int = 8,
    ip: str = "",
) -> User:
    """An administrator sets a password; a temporary one must be changed at the next login."""
    user = find_user(session, employee_no)
    if user is None:
        raise NotFound(f"user {employee_no}", f"找不到工号 {employee_no}。")
    if (short := password_too_short(password, min_password)) is not None:
        raise ValidationFailed("short password", short, {"password": short})
    user.password_hash = hash_password(password, hash_profile)
    user.must_change_password = temporary
    user.session_token = new_session_token()
    end_sessions_of(session, clock, user.id, "reset")
    audit(session, clock, "password_set", actor=actor, target=f"{user.employee_no} {user.name}", ip=ip)
    return user


def set_roles(session: Session, clock: Clock, user: User, roles: frozenset[Role], *, actor: User | None, ip: str = "") -> bool:
    """Replace the user's roles (employee is always kept); audited when something changes."""
    wanted = roles | {Role.EMPLOYEE}
    if wanted == user.roles:
        return False
    if actor is not None and actor.id == user.id and Role.ADMIN in user.roles and Role.ADMIN not in wanted:
        raise ValidationFailed("admin removing own admin role", "不能取消自己的管理员角色。")
    if Role.MANAGER in wanted and not user.department.strip():
        raise ValidationFailed(f"manager role for {user.employee_no} without a department", MANAGER_NEEDS_DEPARTMENT)
    before = "、".join(ROLE_LABELS[r] for r in sorted(user.roles))
    user.role_rows = [UserRole(role=role.value) for role in sorted(wanted)]
    session.flush()
    session.expire(user, ["role_rows"])
    after = "、".join(ROLE_LABELS[r] for r in sorted(wanted))
    audit(session, clock, "role_changed", actor=actor, target=f"{user.employee_no} {user.name}", detail=f"{before} → {after}", ip=ip)
    roles_changed.send(user, session=session, clock=clock)
    return True


@dataclass(frozen=True)
class Profile:
    """The fields of a person HR keeps up to date (roles and activation have their own operations)."""

    name: str
    email: str
    department: str
    position: str
    hire_date: dt.date | None

    @classmethod
    def of(cls, user: User) -> Profile:
        return cls(user.name, user.email, user.department, user.position, user.hire_date)


PROFILE_LABELS: dict[str, str] = {"name": "姓名", "email": "邮箱", "department": "部门", "position": "岗位", "hire_date": "入职日期"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return PROFILE_LABELS[self.field]

    def text(self) -> str:
        return f"{self.label}：{self.before or '（空）'} → {self.after or '（空）'}"


def _shown(value: str | dt.date | None) -> str:
    return value.isoformat() if isinstance(value, dt.date) else (value or "")


def profile_changes(before: Profile, after: Profile) -> list[FieldChange]:
    """What differs, field by field, in the order of :data:`PROFILE_LABELS` (pure)."""
    return [
        FieldChange(name, _shown(getattr(before, name)), _shown(getattr(after, name)))
        for name in PROFILE_LABELS
        if getattr(before, name) != getattr(after, name)
    ]


def validate_profile(profile: Profile, roles: frozenset[Role]) -> dict[str, str]:
    """Field → Chinese message (the same rules as for a new account)."""
    probe = NewUser("E0", profile.name, "x" * 64, profile.department, profile.position, profile.hire_date, profile.email, roles)
    return {k: v for k, v in validate_new_user(probe).items() if k not in {"employee_no", "password"}}


def update_profile(
    session: Session, clock: Clock, user: User, profile: Profile, *, actor: User | None, ip: str = "",
    new_hire_days: int = 14, detail: str = "",
) -> list[FieldChange]:
    """Save the person's fields; a department change is a transfer (announced: assignments follow)."""
    profile = Profile(profile.name.strip(), profile.email.strip(), profile.department.strip(), profile.position.strip(),
                      profile.hire_date)
    errors = validate_profile(profile, user.roles)
    if errors:
        raise ValidationFailed(f"invalid profile for {user.employee_no}: {sorted(errors)}", field_errors=errors)
    changes = profile_changes(Profile.of(user), profile)
    if not changes:
        return []
    old_department = user.department
    user.name, user.email, user.department = profile.name, profile.email, profile.department
    user.position, user.hire_date = profile.position, profile.hire_date
    session.flush()
    target = f"{user.employee_no} {user.name}"
    text = "；".join(c.text() for c in changes) + (f"（{detail}）" if detail else "")
    audit(session, clock, "user_updated", actor=actor, ip=ip, target=target, detail=text)
    if old_department != user.department:
        audit(session, clock, "user_transferred", actor=actor, ip=ip, target=target,
              detail=f"{old_department or '（无部门）'} → {user.department or '（无部门）'}")
        department_changed.send(user, session=session, clock=clock, old_department=old_department,
                                new_hire_days=new_hire_days)
    return changes


def account_for(session: Session, _actor: User, user_id: int) -> User:
    """An account to administer (the handler's role declaration says who may)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}", "找不到该账号。")
    return user
