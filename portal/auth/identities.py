"""Accounts that a company directory or an identity provider vouches for.

A person who signs in through LDAP or OpenID Connect arrives as an :class:`ExternalPerson` (pure values).
:func:`provision` finds their local account through the :class:`ExternalIdentity` link, or links an account
HR already has with the same 工号, or creates one just in time (with the new-hire assignments, as every
new account).  The directory stays the source of truth: name, department, position and mail follow it at
every sign-in (a department change is a transfer), and so do the roles its groups grant.  Local accounts
(the administrator, companies without a directory) are untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.access import Role
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.auth.services import NewUser, Profile, create_user, find_user, set_roles, update_profile
from portal.auth.sessions import end_sessions_of
from portal.clock import Clock, naive_utc
from portal.errors import LoginFailed, ValidationFailed
from portal.extensions import Base

log = logging.getLogger(__name__)

PERSON_FIELDS = ("employee_no", "name", "department", "position", "email")
PROVIDER_LABELS = {"ldap": "公司目录", "oidc": "统一身份认证"}


class AccountDisabled(LoginFailed):
    user_message = "该账号已停用，无法登录。如有疑问请联系人力资源部。"


class NotProvisionable(LoginFailed):
    user_message = "公司目录中的账号信息不完整（缺少工号或姓名），请联系管理员。"


class LocalAccountConflict(LoginFailed):
    user_message = "该工号属于本地管理员账号，不能通过公司目录登录，请联系管理员。"


@dataclass(frozen=True)
class ExternalPerson:
    """A person as the directory or provider describes them (attributes already mapped to our fields)."""

    provider: str
    subject: str
    employee_no: str
    name: str
    department: str = ""
    position: str = ""
    email: str = ""
    groups: frozenset[str] = field(default_factory=frozenset)
    active: bool = True


class ExternalIdentity(Base):
    """The link from a provider's subject (an LDAP DN, an OpenID ``sub``) to a local account."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(400))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    user: Mapped[User] = relationship(lazy="joined")


def identities_of(session: Session, user_id: int) -> list[ExternalIdentity]:
    return list(session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user_id)))


def is_externally_managed(session: Session, user: User) -> bool:
    """True when a directory or provider vouches for this account (its local password is unusable)."""
    return bool(identities_of(session, user.id))


@dataclass(frozen=True)
class RolePolicy:
    """The roles the person's groups grant, and every role the directory manages (others stay as HR set them)."""

    granted: frozenset[Role] = frozenset()
    managed: frozenset[Role] = frozenset()


def _linked_user(session: Session, clock: Clock, person: ExternalPerson) -> User | None:
    """The account this person already has: by the link, else by 工号 (HR's roster came first)."""
    identity = session.scalar(
        select(ExternalIdentity).where(ExternalIdentity.provider == person.provider,
                                       ExternalIdentity.subject == person.subject)
    )
    if identity is not None:
        return identity.user
    user = find_user(session, person.employee_no) if person.employee_no else None
    if user is None:
        return None
    if Role.ADMIN in user.roles and not is_externally_managed(session, user):
        raise LocalAccountConflict(f"{person.provider} subject {person.subject} claims local admin {user.employee_no}")
    same_provider = [i for i in identities_of(session, user.id) if i.provider == person.provider]
    if same_provider:  # the entry moved in the directory (a new DN): the link follows it
        same_provider[0].subject = person.subject
    else:
        session.add(ExternalIdentity(provider=person.provider, subject=person.subject, user_id=user.id,
                                     created_at=naive_utc(clock.now())))
        audit(session, clock, "identity_linked", target=f"{user.employee_no} {user.name}",
              detail=f"关联{PROVIDER_LABELS.get(person.provider, person.provider)}账号")
    session.flush()
    return user


def _create(session: Session, clock: Clock, person: ExternalPerson, roles: frozenset[Role], new_hire_days: int,
            ip: str) -> User:
    new = NewUser(
        employee_no=person.employee_no, name=person.name, password=secrets.token_urlsafe(32),
        department=person.department, position=person.position, email=person.email,
        roles=roles if person.department else roles - {Role.MANAGER}, must_change_password=False,
    )
    # The random password is never shown to anyone: the account signs in through its provider only.
    user = create_user(session, clock, new, hash_profile="fast", new_hire_days=new_hire_days, ip=ip,
                       detail=f"首次通过{PROVIDER_LABELS.get(person.provider, person.provider)}登录")
    session.add(ExternalIdentity(provider=person.provider, subject=person.subject, user_id=user.id,
                                 created_at=naive_utc(clock.now())))
    session.flush()
    return user


def _follow(session: Session, clock: Clock, user: User, person: ExternalPerson, policy: RolePolicy,
            new_hire_days: int, ip: str) -> None:
    """Bring the account in line with the directory: fields (a transfer if the department moved), roles."""
    profile = Profile(
        name=person.name or user.name, email=person.email or user.email,
        department=person.department or user.department, position=person.position or user.position,
        hire_date=user.hire_date,
    )
    label = PROVIDER_LABELS.get(person.provider, person.provider)
    update_profile(session, clock, user, profile, actor=None, ip=ip, new_hire_days=new_hire_days, detail=f"来自{label}")
    wanted = (user.roles - policy.managed) | policy.granted
    try:
        set_roles(session, clock, user, wanted, actor=None, ip=ip)
    except ValidationFailed as error:  # a manager group member without a department: the rest still applies
        log.warning("roles from %s for %s not applied: %s", person.provider, user.employee_no, error)


def provision(session: Session, clock: Clock, person: ExternalPerson, policy: RolePolicy, *,
              new_hire_days: int = 14, ip: str = "") -> User:
    """The local account for a person the provider has just vouched for; raises a ``LoginFailed`` subclass
    when they may not come in (deactivated there or here, incomplete entry, a local administrator's 工号)."""
    user = _linked_user(session, clock, person)
    label = PROVIDER_LABELS.get(person.provider, person.provider)
    if not person.active:
        if user is not None and user.active:
            user.active = False
            end_sessions_of(session, clock, user.id, "deactivated")
            audit(session, clock, "user_updated", ip=ip, target=f"{user.employee_no} {user.name}",
                  detail=f"停用账号（{label}中已停用）")
        raise AccountDisabled(f"{person.provider} says {person.subject} is deactivated")
    if user is None:
        if not person.employee_no or not person.name:
            raise NotProvisionable(f"{person.provider} subject {person.subject} lacks employee_no or name")
        try:
            user = _create(session, clock, person, policy.granted, new_hire_days, ip)
        except ValidationFailed as error:
            raise NotProvisionable(f"{person.provider} subject {person.subject}: {error}") from error
    elif not user.active:
        raise AccountDisabled(f"local account {user.employee_no} is deactivated")
    else:
        _follow(session, clock, user, person, policy, new_hire_days, ip)
    for identity in identities_of(session, user.id):
        if identity.provider == person.provider:
            identity.last_login_at = naive_utc(clock.now())
    return user
