"""Parallel logins against a real served portal: every failure is counted once, the throttle starts
exactly at its threshold (issue 9, finding 6: twelve parallel wrong passwords recorded 11 failures
against a limit of 5).  Runs on SQLite, and on PostgreSQL under scripts/with-postgres."""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.auth.models import LoginThrottle
from tests.browser import serving

PASSWORD = "correct-horse-42"
PARALLEL = 30


def _fire(base: str, attempts: list[tuple[str, str]], *, forwarded_for: str = "") -> list[int]:
    """POST every (employee_no, password) to /login at once (a barrier releases the threads together)."""
    address = urlsplit(base)
    barrier = threading.Barrier(len(attempts))

    def attempt(credentials: tuple[str, str]) -> int:
        body = urlencode({"employee_no": credentials[0], "password": credentials[1]})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=60)
        try:
            barrier.wait(30)
            connection.request("POST", "/login", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


def _audited(session: Session, action: str) -> int:
    return int(session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action)) or 0)


def _streak(session: Session, scope: str, key: str) -> LoginThrottle:
    session.expire_all()
    row = session.get(LoginThrottle, (scope, key))
    assert row is not None
    return row


def test_parallel_wrong_passwords_are_each_counted_once(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    app = make_app(LOGIN_ACCOUNT_FREE_FAILURES=1000, LOGIN_IP_FREE_FAILURES=1000)
    user = make_user("张三")
    with serving(app) as base:
        statuses = _fire(base, [(user.employee_no, f"wrong-{n}") for n in range(PARALLEL)])
    assert Counter(statuses) == {200: PARALLEL}
    assert _streak(session, "account", user.employee_no).failures == PARALLEL
    assert _streak(session, "ip", "127.0.0.1").failures == PARALLEL
    assert _audited(session, "login_failed") == PARALLEL


def test_parallel_wrong_passwords_start_the_wait_exactly_at_the_threshold(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    app = make_app(LOGIN_ACCOUNT_FREE_FAILURES=5)
    user = make_user("张三")
    with serving(app) as base:
        statuses = _fire(base, [(user.employee_no, f"wrong-{n}") for n in range(PARALLEL)])
        right = _fire(base, [(user.employee_no, PASSWORD)])
    assert Counter(statuses) == {200: 5, 429: PARALLEL - 5}
    assert right == [429]  # the clock has not moved: the wait is not over
    row = _streak(session, "account", user.employee_no)
    assert (row.failures, row.refused) == (5, PARALLEL - 5 + 1)
    assert _audited(session, "login_failed") == 5 and _audited(session, "login_throttled") == 1


def test_one_address_guessing_many_accounts_in_parallel_is_slowed_down_alone(
    make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session
) -> None:
    # Behind one trusted proxy, the address is X-Forwarded-For's; each account is tried once.
    app = make_app(LOGIN_IP_FREE_FAILURES=10, TRUSTED_PROXIES=1)
    users = [make_user(f"员工{n}") for n in range(PARALLEL)]
    with serving(app) as base:
        statuses = _fire(base, [(u.employee_no, "wrong") for u in users], forwarded_for="198.51.100.7")
        elsewhere = _fire(base, [(u.employee_no, PASSWORD) for u in users], forwarded_for="192.0.2.20")
    assert Counter(statuses) == {200: 10, 429: PARALLEL - 10}
    assert _streak(session, "ip", "198.51.100.7").failures == 10
    assert Counter(elsewhere) == {302: PARALLEL}  # every account still signs in from another address
