"""Server-side sessions: every copy of a session ends with it (issue 9, finding 2 and deliverable 2)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.audit.models import AuditEvent
from portal.auth.models import UserSession
from portal.auth.sessions import SESSION_KEY, token_hash
from portal.clock import FixedClock

PASSWORD = "correct-horse-42"
COOKIE = "handbook_session"


def _signed_in(app: Flask, user: Any, **kwargs: Any) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD}, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _copy_of(app: Flask, original: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of the first one's session cookie (a stolen cookie)."""
    cookie = original.get_cookie(COOKIE)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def test_a_copied_session_cookie_stops_working_after_logout(make_app: Callable[..., Flask], make_user: Callable[..., Any]) -> None:
    app = make_app()
    user = make_user("张三")
    owner = _signed_in(app, user)
    thief = _copy_of(app, owner)
    assert thief.get("/my").status_code == 200  # the copy works while the session lives
    assert owner.post("/logout").status_code == 302
    answer = thief.get("/my")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def _live_rows(session: Session, user: Any) -> list[UserSession]:
    session.expire_all()
    return list(session.scalars(select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))))


def test_the_cookie_carries_a_token_whose_hash_alone_is_stored(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    app = make_app()
    user = make_user("张三")
    client = _signed_in(app, user, headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537.36"})
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    token = app.session_interface.get_signing_serializer(app).loads(cookie.value)[SESSION_KEY]  # type: ignore[attr-defined]
    [row] = _live_rows(session, user)
    assert row.token_hash == token_hash(token) and token not in row.token_hash
    assert row.ip == "127.0.0.1" and "Chrome" in row.user_agent


def test_a_password_change_ends_every_other_copy_and_keeps_this_browser(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    app = make_app()
    user = make_user("张三")
    owner = _signed_in(app, user)
    thief = _copy_of(app, owner)
    laptop = _signed_in(app, user)
    changed = owner.post("/account/password", data={"current_password": PASSWORD, "new_password": "another-secret-7",
                                                    "confirm": "another-secret-7"})
    assert changed.status_code == 302
    assert owner.get("/my").status_code == 200
    for other in (thief, laptop):
        assert "/login" in other.get("/my").headers["Location"]
    assert len(_live_rows(session, user)) == 1


def test_a_password_reset_by_an_administrator_ends_every_session_of_the_account(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    app = make_app()
    admin, user = make_user("管理员", roles={Role.ADMIN}), make_user("张三")
    victim = _signed_in(app, user)
    thief = _copy_of(app, victim)
    hr = _signed_in(app, admin)
    assert hr.post(f"/admin/users/{user.id}/password", data={"password": "temporary-pass-1"}).status_code == 302
    for client in (victim, thief):
        assert "/login" in client.get("/my").headers["Location"]
    assert _live_rows(session, user) == []
    assert hr.get("/my").status_code == 200  # the administrator's own session is untouched


def test_deactivation_ends_every_session_and_reactivation_does_not_bring_them_back(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    app = make_app()
    admin, user = make_user("管理员", roles={Role.ADMIN}), make_user("张三")
    victim = _signed_in(app, user)
    thief = _copy_of(app, victim)
    hr = _signed_in(app, admin)
    assert hr.post(f"/admin/users/{user.id}", data={"roles": ["employee"]}).status_code == 302  # active unticked
    assert _live_rows(session, user) == []
    assert hr.post(f"/admin/users/{user.id}", data={"roles": ["employee"], "active": "y"}).status_code == 302
    for client in (victim, thief):
        assert "/login" in client.get("/my").headers["Location"]
    ended = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    assert ended.end_reason == "deactivated"


def test_an_idle_session_ends_after_the_idle_limit_and_says_so(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], clock: FixedClock, session: Session
) -> None:
    app = make_app(SESSION_IDLE_MINUTES=30)
    user = make_user("张三")
    client = _signed_in(app, user)
    for _ in range(3):  # used every 29 minutes: still signed in after 87 minutes
        clock.advance(dt.timedelta(minutes=29))
        assert client.get("/my").status_code == 200
    clock.advance(dt.timedelta(minutes=30))
    answer = client.get("/my")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert "较长时间未操作" in client.get("/login").get_data(as_text=True)
    [row] = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert row.end_reason == "idle"


def test_a_busy_session_still_ends_at_the_absolute_limit(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], clock: FixedClock
) -> None:
    app = make_app(SESSION_IDLE_MINUTES=30, SESSION_ABSOLUTE_HOURS=8)
    user = make_user("张三")
    client = _signed_in(app, user)
    for _ in range(8 * 3 - 1):  # every 20 minutes for 7 h 40 min
        clock.advance(dt.timedelta(minutes=20))
        assert client.get("/my").status_code == 200
    clock.advance(dt.timedelta(minutes=20))
    assert "/login" in client.get("/my").headers["Location"]
    assert "超过时限" in client.get("/login").get_data(as_text=True)


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match is not None, page[:500]
    return match.group(1)


def test_the_csrf_token_from_before_login_is_refused_after_login(
    make_app: Callable[..., Flask], make_user: Callable[..., Any]
) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_user("张三")
    client = app.test_client()
    before = _csrf_token(client.get("/login").get_data(as_text=True))
    signed = client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD, "csrf_token": before})
    assert signed.status_code == 302
    stale = client.post("/logout", data={"csrf_token": before})
    assert stale.status_code == 400 and "页面已过期" in stale.get_data(as_text=True)
    assert client.get("/my").status_code == 200  # refused: still signed in
    fresh = _csrf_token(client.get("/account/password").get_data(as_text=True))
    assert fresh != before
    assert client.post("/logout", data={"csrf_token": fresh}).status_code == 302
    assert "/login" in client.get("/my").headers["Location"]


@pytest.mark.parametrize(
    ("proxies", "headers", "secure", "ip"),
    [
        (0, {}, False, "127.0.0.1"),
        (0, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}, False, "127.0.0.1"),  # not believed
        (1, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}, True, "203.0.113.9"),
        (1, {"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"}, False, "203.0.113.9"),
    ],
)
def test_the_cookie_is_secure_when_the_request_came_over_https_through_a_trusted_proxy(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session,
    proxies: int, headers: dict[str, str], secure: bool, ip: str,
) -> None:
    app = make_app(TRUSTED_PROXIES=proxies)
    user = make_user("张三")
    response = app.test_client().post("/login", data={"employee_no": user.employee_no, "password": PASSWORD}, headers=headers)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert ("; Secure" in cookie) is secure and "HttpOnly" in cookie
    [row] = _live_rows(session, user)
    assert row.ip == ip


def test_https_directly_also_makes_the_cookie_secure(make_app: Callable[..., Flask], make_user: Callable[..., Any]) -> None:
    app = make_app()
    user = make_user("张三")
    response = app.test_client().post("https://localhost/login", data={"employee_no": user.employee_no, "password": PASSWORD})
    assert "; Secure" in response.headers["Set-Cookie"]


def test_my_sessions_lists_my_devices_and_ends_another_one(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    app = make_app()
    user, other = make_user("张三"), make_user("李四")
    phone = _signed_in(app, user, headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1"})
    laptop = _signed_in(app, user, headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537.36"})
    stranger = _signed_in(app, other)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Chrome 浏览器 · Windows" in page and "Safari 浏览器 · iPhone" in page and "本设备" in page
    assert "2026-03-02 17:00" in page  # 09:00 UTC in Beijing time
    rows = {row.user_agent: row for row in _live_rows(session, user)}
    phone_row = next(row for agent, row in rows.items() if "iPhone" in agent)
    [stranger_row] = _live_rows(session, other)
    # Someone else's session does not exist for me; nothing of it changes.
    refused = laptop.post("/account/sessions/end", data={"session_id": str(stranger_row.id)}, follow_redirects=True)
    assert "找不到该登录会话" in refused.get_data(as_text=True)
    assert stranger.get("/my").status_code == 200
    for junk in ("abc", "99999999999999999999", "-1", "²"):
        assert laptop.post("/account/sessions/end", data={"session_id": junk}).status_code == 302
    ended = laptop.post("/account/sessions/end", data={"session_id": str(phone_row.id)}, follow_redirects=True)
    assert "已结束该设备上的登录" in ended.get_data(as_text=True)
    assert "/login" in phone.get("/my").headers["Location"]
    assert laptop.get("/my").status_code == 200
    assert [row.id for row in _live_rows(session, user)] != [phone_row.id]
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "session_ended")).one()
    assert audit.actor_id == user.id


def test_ending_all_other_sessions_keeps_only_this_one(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    app = make_app()
    user = make_user("张三")
    others = [_signed_in(app, user) for _ in range(3)]
    here = _signed_in(app, user)
    answer = here.post("/account/sessions/end-others", follow_redirects=True)
    assert "已结束其他设备上的 3 个登录" in answer.get_data(as_text=True)
    assert all("/login" in client.get("/my").headers["Location"] for client in others)
    assert here.get("/my").status_code == 200 and len(_live_rows(session, user)) == 1


def test_by_default_a_session_lasts_30_idle_minutes_and_8_hours_and_the_page_says_so(
    make_app: Callable[..., Flask], make_user: Callable[..., Any]
) -> None:
    from portal.config import DEFAULTS

    assert (DEFAULTS["SESSION_IDLE_MINUTES"], DEFAULTS["SESSION_ABSOLUTE_HOURS"], DEFAULTS["TRUSTED_PROXIES"]) == (30, 8, 0)
    app = make_app(SESSION_IDLE_MINUTES=30, SESSION_ABSOLUTE_HOURS=8)
    page = _signed_in(app, make_user("张三")).get("/account/sessions").get_data(as_text=True)
    assert "未操作 30 分钟或登录满 8 小时后须重新登录" in page
