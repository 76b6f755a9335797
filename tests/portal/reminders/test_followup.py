"""Follow-up that runs itself, against a real SMTP server on loopback, the app clock moved across days."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from portal.access import Role
from portal.assignments.services import NewRule, add_rule
from portal.audit.models import AuditEvent
from portal.clock import FixedClock
from portal.extensions import db
from portal.reminders.followup import Schedule, run_followup
from portal.reminders.models import FollowupMail, FollowupSettings
from portal.reminders.services import SmtpSettings
from portal.tasks.consumer import run_periodic
from portal.tasks.models import Task
from portal.tasks.queue import build_queue
from portal.tasks.runner import Runner
from portal.web import CLOCK_KEY
from tests.portal.conftest import Inbox

BASE = "https://handbook.example.cn"
DUE = dt.date(2026, 4, 1)  # the rule's 30 days from START (2026-03-02)


def at_local(day: str, hour: int, minute: int = 0) -> dt.datetime:
    """A Beijing wall-clock time as the UTC the app clock holds."""
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00+08:00").astimezone(dt.UTC)


@pytest.fixture
def office(session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
           document: Callable[..., Any]) -> dict[str, Any]:
    """销售部 with a manager and two staff, 市场部 without a manager, HR; three regulations, two sharing a title."""
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]), document("mkt", "营销中心管理制度", ["乙。"]),
            document("mkt-2", "营销中心管理制度", ["丙。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    return {
        "hr": make_user("人事", roles={Role.HR}, department="人力资源部", email="hr@example.cn"),
        "manager": make_user("王经理", roles={Role.EMPLOYEE, Role.MANAGER}, department="销售部", email="boss@example.cn"),
        "a": make_user("甲一", department="销售部", email="a@example.cn"),
        "b": make_user("乙二", department="销售部", email="b@example.cn"),
        "c": make_user("丙三", department="市场部", email="c@example.cn"),
        "d": make_user("丁四", department="市场部", email=""),
    }


@pytest.fixture
def portal(make_app: Callable[..., Flask], smtp_server: tuple[Inbox, int]) -> Flask:
    return make_app(SMTP_PORT=smtp_server[1], MAIL_FROM="hr@example.cn", PORTAL_BASE_URL=BASE)


def daily(app: Flask) -> list[int]:
    """What a consumer does each sweep: the periodic check, then every queued follow-up task."""
    runner, queue = Runner(app), build_queue(app.config)
    run_periodic(runner, queue)
    with Session(runner.engine) as session:
        queued = list(session.scalars(select(Task.id).where(Task.kind == "followup", Task.status == "queued")))
    for job_id in queued:
        runner(job_id)
    return queued


def mails(inbox: Inbox) -> list[tuple[str, EmailMessage]]:
    return [(e.rcpt_tos[0], message_from_bytes(e.content, policy=default)) for e in inbox.messages]


def subjects(inbox: Inbox, start: int = 0) -> Counter[tuple[str, str]]:
    return Counter((to, str(m["Subject"]).split("】")[0] + "】") for to, m in mails(inbox)[start:])


def test_a_month_of_days_sends_each_step_once(portal: Flask, office: dict[str, Any], clock: FixedClock,
                                              smtp_server: tuple[Inbox, int], session: Session) -> None:
    inbox, _ = smtp_server
    clock.at = at_local("2026-03-27", 10)  # Friday: 5 days before the deadline, not yet reminded
    daily(portal)
    assert subjects(inbox) == Counter({("hr@example.cn", "【制度签署周报】"): 1})

    clock.at = at_local("2026-03-30", 8, 59)  # Monday before the configured hour (9 in Beijing = 01:00 UTC)
    assert daily(portal) == []
    clock.at = at_local("2026-03-30", 9, 5)
    assert len(daily(portal)) == 1
    staff = ["a@example.cn", "b@example.cn", "boss@example.cn", "c@example.cn", "hr@example.cn"]
    before = {(to, "【制度签署提醒】"): 1 for to in staff}
    assert subjects(inbox, 1) == Counter({**before, ("hr@example.cn", "【制度签署周报】"): 1})
    to_a = next(m for to, m in mails(inbox) if to == "a@example.cn")
    body = to_a.get_content()
    assert "即将到期" in str(to_a["Subject"]) and "3 项" in str(to_a["Subject"])
    assert "《营销中心管理制度（之一）》" in body and "《营销中心管理制度（之二）》" in body
    assert "截止日期 2026-04-01" in body and f"{BASE}/my" in body and "甲一（工号" in body

    seen = len(inbox.messages)
    clock.at = at_local("2026-03-30", 15)  # the same day again: no second run, and a forced one sends nothing
    assert daily(portal) == []
    with portal.app_context():
        outcome = run_followup(db.session(), portal.extensions[CLOCK_KEY], SmtpSettings.from_config(portal.config), BASE)
        db.session.commit()
    assert sum(outcome.sent.values()) == 0 and len(inbox.messages) == seen

    clock.at = at_local("2026-04-02", 9, 30)  # Thursday, one day overdue
    daily(portal)
    assert subjects(inbox, seen) == Counter({(to, "【制度签署提醒】"): 1 for to in staff})
    late = next(m for to, m in mails(inbox)[seen:] if to == "c@example.cn")
    assert "已逾期" in str(late["Subject"]) and "已逾期 1 天" in late.get_content()

    seen = len(inbox.messages)
    clock.at = at_local("2026-04-04", 10)  # Saturday: a quiet day
    assert daily(portal) == []
    clock.at = at_local("2026-04-06", 10)  # Monday: the weekly summary only (steps already sent)
    daily(portal)
    assert subjects(inbox, seen) == Counter({("hr@example.cn", "【制度签署周报】"): 1})
    summary = mails(inbox)[-1][1].get_content()
    assert "销售部：应签 9 项，已签 0 项，逾期 9 项" in summary and "丁四" in summary and "已逾期 5 天" in summary

    seen = len(inbox.messages)
    clock.at = at_local("2026-04-08", 10)  # seven days overdue: escalate to 销售部's manager; 市场部 has none
    [job] = daily(portal)
    assert subjects(inbox, seen) == Counter({("boss@example.cn", "【制度签署上报】"): 1})
    escalation = mails(inbox)[-1][1].get_content()
    assert "甲一" in escalation and "乙二" in escalation and "丙三" not in escalation and "已逾期 7 天" in escalation
    task = session.get(Task, job)
    assert task is not None and task.status == "done" and "无部门经理：人力资源部、市场部" in task.message
    assert session.scalar(select(func.count()).select_from(FollowupMail).where(FollowupMail.status == "sent")) == len(inbox.messages)
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "followup")) == 5  # the scheduled runs


def test_two_runs_at_once_send_each_mail_once(portal: Flask, office: dict[str, Any], clock: FixedClock,
                                              smtp_server: tuple[Inbox, int]) -> None:
    """Two hosts' runs at the same instant: the claims let exactly one of them send each mail."""
    inbox, _ = smtp_server
    clock.at = at_local("2026-04-09", 10)  # Thursday: before-step past, after and escalation due, summary due
    with portal.app_context():
        engine = db.engine
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with factory() as session:
                start.wait()
                run_followup(session, portal.extensions[CLOCK_KEY], SmtpSettings.from_config(portal.config), BASE)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    staff = ["a@example.cn", "b@example.cn", "boss@example.cn", "c@example.cn", "hr@example.cn"]
    assert subjects(inbox) == Counter({**{(to, "【制度签署提醒】"): 1 for to in staff},
                                       ("boss@example.cn", "【制度签署上报】"): 1, ("hr@example.cn", "【制度签署周报】"): 1})


def test_a_refused_mail_is_recorded_and_retried_next_run(portal: Flask, office: dict[str, Any], clock: FixedClock,
                                                         smtp_server: tuple[Inbox, int], session: Session) -> None:
    inbox, _ = smtp_server
    original = Inbox.handle_DATA

    async def refuse_a(self: Inbox, server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos == ["a@example.cn"]:
            return "554 refused"
        return await original(self, server, session, envelope)

    clock.at = at_local("2026-03-31", 10)
    Inbox.handle_DATA = refuse_a  # type: ignore[method-assign]
    try:
        daily(portal)
    finally:
        Inbox.handle_DATA = original  # type: ignore[method-assign]
    failed = session.scalars(select(FollowupMail).where(FollowupMail.status == "failed")).all()
    assert [m.email for m in failed] == ["a@example.cn"]
    assert "a@example.cn" not in {to for to, _ in mails(inbox)}
    clock.at = at_local("2026-04-01", 10)
    daily(portal)
    assert [to for to, _ in mails(inbox)].count("a@example.cn") == 1


def test_schedule_steps_and_quiet_days() -> None:
    schedule = Schedule(before_days=3, after_days=2, escalate_days=5, holidays=frozenset({dt.date(2026, 10, 1)}))
    assert schedule.steps(DUE, DUE - dt.timedelta(days=4)) == []
    assert schedule.steps(DUE, DUE - dt.timedelta(days=3)) == ["before"]
    assert schedule.steps(DUE, DUE + dt.timedelta(days=1)) == []
    assert schedule.steps(DUE, DUE + dt.timedelta(days=5)) == ["after", "escalation"]
    assert schedule.is_quiet(dt.date(2026, 10, 1)) and schedule.is_quiet(dt.date(2026, 4, 4))
    assert not schedule.is_quiet(dt.date(2026, 4, 6))
    off = Schedule(before_days=0, after_days=0, escalate_days=0)
    assert off.steps(DUE, DUE + dt.timedelta(days=30)) == []


def test_settings_row_holds_the_defaults_until_hr_saves(session: Session) -> None:
    assert session.get(FollowupSettings, 1) is None
