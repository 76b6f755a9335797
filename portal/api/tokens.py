"""API tokens: issued to an account with scopes, hashed at rest, revocable, audited.

A token acts as its owner narrowed to its scopes: the rows it gets are those its owner's role may see
on the web (portal/api/rows.py), never more.  The secret is shown once, when issued; only its SHA-256
is stored, so a copy of the database lets nobody call the API.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.api.models import ApiToken
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.errors import NotFound, ValidationFailed

TOKEN_PREFIX = "hbk_"


class Scope(StrEnum):
    REGULATIONS = "regulations:read"
    ACKNOWLEDGEMENTS = "acknowledgements:read"
    COMPLETION = "completion:read"


SCOPE_LABELS: dict[Scope, str] = {
    Scope.REGULATIONS: "读取现行制度与版本",
    Scope.ACKNOWLEDGEMENTS: "读取签署记录（按本人角色可见范围）",
    Scope.COMPLETION: "读取完成情况统计（人力资源、部门经理）",
}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str
    """Shown once to the person who asked for it; not stored."""


def issue_token(session: Session, clock: Clock, owner: User, name: str, scopes: frozenset[Scope], *,
                days: int | None = None, ip: str = "") -> IssuedToken:
    name = name.strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 100:
        errors["name"] = "请填写令牌用途（最多 100 字）。"
    if not scopes:
        errors["scopes"] = "请至少选择一项权限。"
    if days is not None and not 1 <= days <= 3650:
        errors["days"] = "有效期应为 1 至 3650 天。"
    if errors:
        raise ValidationFailed(f"token refused: {sorted(errors)}", next(iter(errors.values())), errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = naive_utc(clock.now())
    token = ApiToken(name=name, prefix=secret[:12], token_hash=digest(secret), user_id=owner.id,
                     scopes=" ".join(sorted(scopes)), created_at=now,
                     expires_at=now + dt.timedelta(days=days) if days else None)
    session.add(token)
    session.flush()
    audit(session, clock, "api_token_created", actor=owner, ip=ip, target=f"{token.prefix}… {name}",
          detail="权限：" + "、".join(SCOPE_LABELS[s] for s in sorted(scopes)))
    return IssuedToken(token, secret)


def tokens_of(session: Session, owner: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == owner.id).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, clock: Clock, owner: User, token_id: int, *, ip: str = "") -> ApiToken:
    """End one of the owner's tokens (someone else's is "not found", as if it did not exist)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != owner.id:
        raise NotFound(f"token {token_id} of {owner.employee_no}", "找不到该令牌。")
    if token.revoked_at is None:
        token.revoked_at = naive_utc(clock.now())
        audit(session, clock, "api_token_revoked", actor=owner, ip=ip, target=f"{token.prefix}… {token.name}")
    return token


def token_for(session: Session, clock: Clock, secret: str) -> ApiToken | None:
    """The live token with this secret (not revoked, not expired, its owner active), its use noted."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    now = naive_utc(clock.now())
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    token.last_used_at = now
    return token
