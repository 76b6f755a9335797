"""Duty reminders through the task consumer, against a real SMTP server on loopback, the clock moved by days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.clock import FixedClock
from portal.duties.models import DutyReminder
from portal.duties.reminders import due_soon
from portal.duties.services import duties_in_force
from portal.tasks.consumer import run_periodic
from portal.tasks.models import Task
from portal.tasks.queue import build_queue
from portal.tasks.runner import Runner
from tests.portal.conftest import Inbox

BASE = "https://handbook.example.cn"
CLAUSES = ["为规范工作，制定本制度。", "销售部每月10日前提交上月销售报表。", "财务部每月25日前完成费用结算。",
           "销售部每周五检查客户跟进记录。", "出纳每日下班前核对库存现金。", "合同签订后三日内交财务部存档。"]


def at_local(day: str, hour: int) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(dt.UTC)


@pytest.fixture
def office(session: Session, make_user: Callable[..., Any], publish: Callable[..., Any],
           document: Callable[..., Any]) -> dict[str, Any]:
    publish("2026.1", document("work", "工作制度", CLAUSES))
    return {"sales": make_user("王销售", department="销售部", email="sales@example.cn"),
            "finance": make_user("李财务", department="财务部", email="finance@example.cn"),
            "nomail": make_user("赵无邮", department="销售部", email="")}


def sweep(app: Flask) -> list[int]:
    """What a consumer does each sweep: the periodic checks, then every queued duty-reminder task."""
    runner, queue = Runner(app), build_queue(app.config)
    run_periodic(runner, queue)
    with Session(runner.engine) as session:
        queued = list(session.scalars(select(Task.id).where(Task.kind == "duty-reminders", Task.status == "queued")))
    for job_id in queued:
        runner(job_id)
    return queued


def mails(inbox: Inbox) -> list[tuple[str, EmailMessage]]:
    return [(e.rcpt_tos[0], message_from_bytes(e.content, policy=default)) for e in inbox.messages]


def test_each_person_is_reminded_once_before_each_due_day(make_app: Callable[..., Flask], office: dict[str, Any],
                                                          clock: FixedClock, smtp_server: tuple[Inbox, int],
                                                          session: Session) -> None:
    inbox, port = smtp_server
    app = make_app(SMTP_PORT=port, MAIL_FROM="hr@example.cn", PORTAL_BASE_URL=BASE)
    clock.at = at_local("2026-03-06", 7)  # a Friday, before the run hour
    assert sweep(app) == []
    clock.at = at_local("2026-03-06", 9)
    assert len(sweep(app)) == 1
    sent = mails(inbox)
    assert [to for to, _ in sent] == ["sales@example.cn"]  # 销售部's Friday check; 财务部 has nothing due
    body = sent[0][1].get_content()
    assert "销售部每周五检查客户跟进记录" in body and f"{BASE}/regulations/work#第四条" in body
    assert "出纳" not in body and "合同签订" not in body  # daily and event-relative duties are not mailed
    assert sweep(app) == []  # once a day

    clock.at = at_local("2026-03-07", 9)  # 10 March is 3 days ahead
    sweep(app)
    assert [str(m["Subject"]) for _, m in mails(inbox)[1:]] == ["【职责提醒】您有 1 项职责即将到期"]
    assert "2026-03-10" in mails(inbox)[1][1].get_content()
    clock.at = at_local("2026-03-08", 9)  # still within the lead: not again
    sweep(app)
    assert len(mails(inbox)) == 2
    clock.at = at_local("2026-03-22", 9)  # 25th for 财务部
    sweep(app)
    assert [to for to, _ in mails(inbox)[2:]] == ["finance@example.cn"]
    assert session.scalar(select(func.count()).select_from(DutyReminder)) == 3


def test_a_refused_mail_gives_its_items_back_for_the_next_run(make_app: Callable[..., Flask], office: dict[str, Any],
                                                              clock: FixedClock, smtp_server: tuple[Inbox, int],
                                                              session: Session) -> None:
    inbox, port = smtp_server
    clock.at = at_local("2026-03-07", 9)
    sweep(make_app(PORTAL_BASE_URL=BASE))  # SMTP_PORT 1: nobody listens
    assert session.scalar(select(func.count()).select_from(DutyReminder)) == 0
    task = session.scalars(select(Task).where(Task.kind == "duty-reminders")).one()
    assert "1 封发送失败" in (task.message or "")
    clock.at = at_local("2026-03-08", 9)
    sweep(make_app(SMTP_PORT=port, PORTAL_BASE_URL=BASE))
    assert [to for to, _ in mails(inbox)] == ["sales@example.cn"]
    assert "2026-03-10" in mails(inbox)[0][1].get_content()


def test_due_soon_uses_each_kinds_lead_time(session: Session, office: dict[str, Any]) -> None:
    duties = duties_in_force(session)
    friday = dt.date(2026, 3, 6)
    assert [(d.day, d.duty.anchor) for d in due_soon(duties, friday)] == [(friday, "第四条")]
    assert [(d.day, d.duty.anchor) for d in due_soon(duties, dt.date(2026, 3, 22))] == [(dt.date(2026, 3, 25), "第三条")]
