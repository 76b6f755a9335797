"""Server-side sessions: one row per signed-in browser, checked on every request.

Flask's signed cookie only carries a random token (:data:`SESSION_KEY`); the row
(:class:`~portal.auth.models.UserSession`) stores its SHA-256, the user, when it
started and was last used, the address and browser.  Logout, a password change
or reset and a deactivation end the row, and with it every copy of the cookie:
a signed cookie alone cannot be taken back, a row can.  Idle and absolute
timeouts end it too, measured with the portal's clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portal.auth.models import UserSession
from portal.clock import Clock, naive_utc
from portal.errors import NotFound

#: The key of the session token in Flask's (signed) session cookie.
SESSION_KEY = "sid"

#: Why a session ended, as stored in ``end_reason``; the Chinese labels are for the "my sessions" page.
END_REASONS: dict[str, str] = {
    "logout": "已退出",
    "password": "修改密码",
    "reset": "密码被重置",
    "deactivated": "账号停用",
    "idle": "长时间未操作",
    "expired": "超过登录时限",
    "ended": "在其他设备上结束",
}

# Ended rows are kept this long (the "my sessions" page and investigations), then purged at the user's next login.
KEEP_ENDED = dt.timedelta(days=30)


@dataclass(frozen=True)
class SessionLimits:
    """Idle and absolute timeouts (``None``: none); ``touch_every`` bounds how often a request writes last-seen."""

    idle: dt.timedelta | None = dt.timedelta(minutes=30)
    absolute: dt.timedelta | None = dt.timedelta(hours=8)
    touch_every: dt.timedelta = dt.timedelta(minutes=1)


def limits_from(idle_minutes: int, absolute_hours: int) -> SessionLimits:
    """The limits of the settings (0: no such limit)."""
    idle = dt.timedelta(minutes=idle_minutes) if idle_minutes > 0 else None
    # Writing last-seen at most once a minute keeps most requests read-only; a short idle limit needs it more often.
    touch = min(dt.timedelta(minutes=1), idle / 4) if idle is not None else dt.timedelta(minutes=1)
    absolute = dt.timedelta(hours=absolute_hours) if absolute_hours > 0 else None
    return SessionLimits(idle=idle, absolute=absolute, touch_every=touch)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, clock: Clock, user_id: int, *, ip: str = "", user_agent: str = "") -> str:
    """A new session row for ``user_id``; returns the token for the cookie (only its hash is stored)."""
    now = naive_utc(clock.now())
    session.execute(
        delete(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at < now - KEEP_ENDED)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=token_hash(token), user_id=user_id, created_at=now, last_seen_at=now,
            ip=ip[:64], user_agent=user_agent[:400], ended_at=None, end_reason="",
        )
    )
    session.flush()
    return token


def expiry(row: UserSession, now: dt.datetime, limits: SessionLimits) -> str:
    """Pure: "expired" past the absolute limit, "idle" past the idle limit, "" while the session may go on."""
    if limits.absolute is not None and now - row.created_at >= limits.absolute:
        return "expired"
    if limits.idle is not None and now - row.last_seen_at >= limits.idle:
        return "idle"
    return ""


@dataclass(frozen=True)
class Resumed:
    """What :func:`resume` found: the live row, or why there is none ("missing", "ended", "idle", "expired")."""

    row: UserSession | None
    reason: str = ""


def resume(session: Session, clock: Clock, token: str | None, user_id: int, limits: SessionLimits) -> Resumed:
    """The live session of this cookie token for ``user_id``; a timed-out one is ended on the way."""
    if not token or not isinstance(token, str):
        return Resumed(None, "missing")
    row = session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if row is None or row.user_id != user_id:
        return Resumed(None, "missing")
    if row.ended_at is not None:
        return Resumed(None, "ended")
    now = naive_utc(clock.now())
    if reason := expiry(row, now, limits):
        row.ended_at, row.end_reason = now, reason
        return Resumed(None, reason)
    if now - row.last_seen_at >= limits.touch_every:
        row.last_seen_at = now
    return Resumed(row)


def end_session(session: Session, clock: Clock, row: UserSession, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at, row.end_reason = naive_utc(clock.now()), reason


def end_sessions_of(session: Session, clock: Clock, user_id: int, reason: str, *, keep: int | None = None) -> int:
    """End every live session of ``user_id`` (but ``keep``), in one statement; returns how many ended."""
    query = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep)
    result = session.execute(
        query.values(ended_at=naive_utc(clock.now()), end_reason=reason), execution_options={"synchronize_session": "fetch"}
    )
    return int(getattr(result, "rowcount", 0) or 0)


def live_sessions(session: Session, clock: Clock, user_id: int, limits: SessionLimits) -> list[UserSession]:
    """The user's sessions that would still let a cookie in, most recently used first."""
    now = naive_utc(clock.now())
    conditions = [UserSession.user_id == user_id, UserSession.ended_at.is_(None)]
    if limits.absolute is not None:
        conditions.append(UserSession.created_at > now - limits.absolute)
    if limits.idle is not None:
        conditions.append(UserSession.last_seen_at > now - limits.idle)
    return list(session.scalars(select(UserSession).where(*conditions).order_by(UserSession.last_seen_at.desc())).all())


def end_own_session(session: Session, clock: Clock, user_id: int, session_id: int) -> UserSession:
    """End one of the user's own sessions (another browser); someone else's does not exist for them."""
    row = session.scalar(select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user_id))
    if row is None:
        raise NotFound(f"no session {session_id} of user {user_id}", "找不到该登录会话，可能已经结束。")
    end_session(session, clock, row, "ended")
    return row


# (what the User-Agent contains, the name shown), the first match wins: Edge and Opera also say "Chrome".
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("MicroMessenger", "微信"), ("DingTalk", "钉钉"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("Android", "安卓"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Mac OS X", "macOS"), ("HarmonyOS", "鸿蒙"), ("Linux", "Linux"))
SHANGHAI = ZoneInfo("Asia/Shanghai")


def device_label(user_agent: str) -> str:
    """Pure: "Chrome 浏览器 · Windows" from a User-Agent header; "未知设备" when nothing is recognised."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    parts = [f"{browser} 浏览器" if browser and browser not in {"微信", "钉钉"} else browser, system]
    return " · ".join(part for part in parts if part) or "未知设备"


def local_time(moment: dt.datetime) -> str:
    """Pure: a stored (naive UTC) time as Beijing time, to the minute."""
    return moment.replace(tzinfo=dt.UTC).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def limits_note(limits: SessionLimits) -> str:
    """Pure: the timeouts in a sentence for the "my sessions" page ("" when there are none)."""
    parts = []
    if limits.idle is not None:
        parts.append(f"未操作 {round(limits.idle.total_seconds() / 60)} 分钟")
    if limits.absolute is not None:
        parts.append(f"登录满 {round(limits.absolute.total_seconds() / 3600)} 小时")
    return f"{'或'.join(parts)}后须重新登录。" if parts else ""
