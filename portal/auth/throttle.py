"""Login throttling that cannot be turned against users: waits that grow, per account and per address.

After ``account_free`` failures of one account (within the window), every further attempt must
wait ``base × 2^(failures − account_free)`` after the last failure, never more than ``ceiling``.
An attempt during the wait is refused unchecked, the right password too, and is not counted as
a failure: guessing cannot stretch the wait beyond ``ceiling``, so nobody can lock an account
for good, and a guesser gets one try per wait.  The address has a streak of its own with its
own threshold (``ip_free``): an address that fails across many accounts is slowed down itself,
while those accounts keep the few failures it spent on each.

The streaks live in ``login_throttles`` rows, locked before they are read, so "check, then
count" is one step under parallel requests: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the
first statement is a write, which takes the database's single write lock (its busy timeout
queues the others) before anything is read.  The account row is always locked before the
address row, so two logins never wait for each other in a circle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.auth.models import LoginThrottle

ACCOUNT = "account"
ADDRESS = "ip"

# 2^30 × any sensible base is far beyond any ceiling; the cap keeps the arithmetic finite.
_MAX_DOUBLINGS = 30


@dataclass(frozen=True)
class ThrottlePolicy:
    account_free: int = 5
    ip_free: int = 30
    base: dt.timedelta = dt.timedelta(seconds=2)
    ceiling: dt.timedelta = dt.timedelta(minutes=5)
    window: dt.timedelta = dt.timedelta(minutes=15)


def wait_after(failures: int, free: int, policy: ThrottlePolicy) -> dt.timedelta:
    """Pure: how long after the last failure the next attempt must wait, after ``failures`` in a row."""
    if failures < free:
        return dt.timedelta(0)
    doublings = min(failures - free, _MAX_DOUBLINGS)
    grown: dt.timedelta = policy.base * (1 << doublings)
    return min(grown, policy.ceiling)


def streak(row: LoginThrottle, now: dt.datetime, policy: ThrottlePolicy) -> int:
    """Pure: the failures that still count (none once the window passed without a failure)."""
    if row.last_failure_at is None or now - row.last_failure_at >= policy.window:
        return 0
    return row.failures


def remaining_wait(row: LoginThrottle, free: int, now: dt.datetime, policy: ThrottlePolicy) -> dt.timedelta:
    """Pure: how much longer an attempt on this streak must wait (zero: it may be checked now)."""
    if row.last_failure_at is None:
        return dt.timedelta(0)
    wait = wait_after(streak(row, now, policy), free, policy)
    return max(row.last_failure_at + wait - now, dt.timedelta(0))


def count_failure(row: LoginThrottle, now: dt.datetime, policy: ThrottlePolicy) -> None:
    row.failures = streak(row, now, policy) + 1
    row.last_failure_at = now
    row.refused = 0


def clear(row: LoginThrottle) -> None:
    row.failures, row.refused, row.last_failure_at = 0, 0, None


def lock_streak(session: Session, scope: str, key: str) -> LoginThrottle:
    """The streak row of ``(scope, key)``, created when missing, locked until the transaction ends."""
    dialect = session.get_bind().dialect.name
    values = {"scope": scope, "key": key[:64], "failures": 0, "refused": 0, "last_failure_at": None}
    if dialect == "postgresql":
        session.execute(postgresql.insert(LoginThrottle).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(LoginThrottle).values(**values).on_conflict_do_nothing())
    else:  # pragma: no cover - the portal runs on SQLite and PostgreSQL only
        raise RuntimeError(f"login throttle: unsupported database {dialect}")
    query = select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key[:64])
    row = session.scalar(query.with_for_update().execution_options(populate_existing=True))
    assert row is not None  # inserted above, and rows are never deleted while locked
    return row


def lock_streaks(session: Session, employee_no: str, ip: str) -> tuple[LoginThrottle, LoginThrottle]:
    """The account's and the address's streaks, locked in that order (see the module's docstring)."""
    return lock_streak(session, ACCOUNT, employee_no), lock_streak(session, ADDRESS, ip)


def wait_text(wait: dt.timedelta) -> str:
    """Pure: a wait in Chinese, rounded up to the second: "2 秒", "4 分 16 秒", "5 分钟"."""
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} 秒"
    return f"{minutes} 分 {rest} 秒" if rest else f"{minutes} 分钟"
