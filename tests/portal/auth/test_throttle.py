"""Login throttling: waits that grow per account and per address, never a lock anyone can make permanent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.auth.models import LoginThrottle
from portal.auth.throttle import ThrottlePolicy, wait_after, wait_text
from portal.clock import FixedClock

PASSWORD = "correct-horse-42"


def _try(client: FlaskClient, employee_no: str, password: str, ip: str = "127.0.0.1") -> Any:
    return client.post("/login", data={"employee_no": employee_no, "password": password}, environ_base={"REMOTE_ADDR": ip})


def _streak(session: Session, scope: str, key: str) -> LoginThrottle:
    session.expire_all()
    row = session.get(LoginThrottle, (scope, key))
    assert row is not None
    return row


def test_the_wait_doubles_after_the_free_failures_and_stops_at_the_ceiling() -> None:
    policy = ThrottlePolicy(account_free=5, base=dt.timedelta(seconds=2), ceiling=dt.timedelta(minutes=5))
    waits = [wait_after(n, 5, policy).total_seconds() for n in range(4, 14)]
    assert waits == [0, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert wait_after(10**9, 5, policy) == dt.timedelta(minutes=5)  # no overflow, still the ceiling


@pytest.mark.parametrize(("seconds", "text"), [(0.2, "1 秒"), (2, "2 秒"), (59.1, "1 分钟"), (256, "4 分 16 秒"), (300, "5 分钟")])
def test_waits_read_in_chinese(seconds: float, text: str) -> None:
    assert wait_text(dt.timedelta(seconds=seconds)) == text


def test_after_five_failures_even_the_right_password_waits_and_the_wait_grows(
    client: FlaskClient, make_user: Callable[..., Any], clock: FixedClock, session: Session
) -> None:
    user = make_user("张三")
    for _ in range(5):
        assert "工号或密码不正确" in _try(client, user.employee_no, "nope").get_data(as_text=True)
    refused = _try(client, user.employee_no, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    assert "请 2 秒后再试" in refused.get_data(as_text=True)
    clock.advance(dt.timedelta(seconds=2))
    assert _try(client, user.employee_no, "nope").status_code == 200  # the sixth failure is checked and counted
    clock.advance(dt.timedelta(seconds=3))
    waiting = _try(client, user.employee_no, PASSWORD)
    assert waiting.status_code == 429 and "请 1 秒后再试" in waiting.get_data(as_text=True)  # 4 s after the sixth
    clock.advance(dt.timedelta(seconds=1))
    assert _try(client, user.employee_no, PASSWORD).status_code == 302
    row = _streak(session, "account", user.employee_no)
    assert (row.failures, row.refused, row.last_failure_at) == (0, 0, None)


def test_guessing_during_the_wait_neither_counts_nor_stretches_it(
    client: FlaskClient, make_user: Callable[..., Any], clock: FixedClock, session: Session
) -> None:
    user = make_user("张三")
    for _ in range(5):
        _try(client, user.employee_no, "nope")
    for _ in range(20):
        assert _try(client, user.employee_no, "guess").status_code == 429
    row = _streak(session, "account", user.employee_no)
    assert (row.failures, row.refused) == (5, 20)
    clock.advance(dt.timedelta(seconds=2))
    assert _try(client, user.employee_no, PASSWORD).status_code == 302


def test_nobody_can_lock_an_account_for_longer_than_the_ceiling(
    client: FlaskClient, make_user: Callable[..., Any], clock: FixedClock
) -> None:
    user = make_user("张三")
    for _ in range(40):  # a patient guesser: one wrong password as soon as each wait ends
        if _try(client, user.employee_no, "nope").status_code == 429:
            clock.advance(dt.timedelta(minutes=5))
            assert _try(client, user.employee_no, "nope").status_code == 200
    refused = _try(client, user.employee_no, PASSWORD)
    assert "请 5 分钟后再试" in refused.get_data(as_text=True)
    clock.advance(dt.timedelta(minutes=5))
    assert _try(client, user.employee_no, PASSWORD).status_code == 302


def test_a_streak_is_forgotten_after_the_window(client: FlaskClient, make_user: Callable[..., Any], clock: FixedClock,
                                                session: Session) -> None:
    user = make_user("张三")
    for _ in range(5):
        _try(client, user.employee_no, "nope")
    clock.advance(dt.timedelta(minutes=15))
    assert _try(client, user.employee_no, "nope").status_code == 200
    assert _streak(session, "account", user.employee_no).failures == 1  # a new streak, not the seventh failure


def test_one_address_failing_across_accounts_is_slowed_down_itself_and_nobody_else(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    app = make_app(LOGIN_IP_FREE_FAILURES=8)
    client = app.test_client()
    users = [make_user(f"员工{n}") for n in range(12)]
    answers = [_try(client, user.employee_no, "nope", ip="198.51.100.7").status_code for user in users]
    assert answers == [200] * 8 + [429] * 4
    # The address waits, the right password included; the same accounts from elsewhere do not.
    assert _try(client, users[0].employee_no, PASSWORD, ip="198.51.100.7").status_code == 429
    for user in users:
        assert _try(app.test_client(), user.employee_no, PASSWORD, ip="192.0.2.20").status_code == 302
    assert _streak(session, "ip", "198.51.100.7").failures == 8
    assert [_streak(session, "account", u.employee_no).failures for u in users] == [0] * 12  # cleared by their logins


def test_throttling_is_audited_once_per_wait_with_who_and_how_long(
    client: FlaskClient, make_user: Callable[..., Any], session: Session
) -> None:
    user = make_user("张三")
    for _ in range(5):
        _try(client, user.employee_no, "nope", ip="198.51.100.7")
    for _ in range(3):
        _try(client, user.employee_no, PASSWORD, ip="198.51.100.7")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "login_throttled")).all()
    assert [(e.target, e.ip) for e in events] == [(user.employee_no, "198.51.100.7")]
    assert events[0].detail == f"账号 {user.employee_no} 连续失败 5 次，须等待 2 秒"
    assert client.get("/login").status_code == 200
    failed = session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert len(failed) == 5


def test_the_throttle_is_configurable(make_app: Callable[..., Flask], make_user: Callable[..., Any]) -> None:
    app = make_app(LOGIN_ACCOUNT_FREE_FAILURES=2, LOGIN_DELAY_BASE_SECONDS=10, LOGIN_DELAY_MAX_SECONDS=60)
    client = app.test_client()
    user = make_user("张三")
    for _ in range(2):
        _try(client, user.employee_no, "nope")
    refused = _try(client, user.employee_no, PASSWORD)
    assert refused.status_code == 429 and "请 10 秒后再试" in refused.get_data(as_text=True)
