"""HR's follow-up page: settings (refusals in Chinese, audited), run now as a task, the mail log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email import message_from_bytes
from email.policy import default
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.assignments.services import NewRule, add_rule
from portal.audit.models import AuditEvent
from portal.clock import FixedClock
from portal.reminders.models import FollowupSettings
from portal.tasks.runner import Runner
from tests.portal.conftest import PASSWORD, Inbox

GOOD = {"enabled": "1", "run_hour": "8", "quiet_weekdays": ["5", "6"], "holidays": "2026-10-01\n2026-10-02",
        "before_days": "2", "after_days": "1", "escalate_days": "5", "summary_weekday": "4"}


def sign_in(app: Flask, user: Any, base_url: str = "http://localhost") -> Any:
    client = app.test_client()
    client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD}, base_url=base_url)
    return client


def test_only_hr_sees_the_page(app: Flask, make_user: Callable[..., Any]) -> None:
    assert sign_in(app, make_user("员工")).get("/hr/followup").status_code == 403
    page = sign_in(app, make_user("人事", roles={Role.HR})).get("/hr/followup")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "每天 9 时（北京时间）自动运行" in text and "不运行：周六、周日" in text and "还没有发送过自动提醒邮件" in text


def test_bad_settings_are_refused_in_chinese_and_good_ones_saved_and_audited(
        app: Flask, make_user: Callable[..., Any], session: Session) -> None:
    client = sign_in(app, make_user("人事", roles={Role.HR}))
    bad = client.post("/hr/followup/settings", data={**GOOD, "run_hour": "25", "holidays": "十月一日",
                                                     "quiet_weekdays": [str(d) for d in range(7)]})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "每日运行时间须为 0 至 23 之间的整数" in text and "节假日须每行一个日期" in text and "不能七天都不运行" in text
    assert session.get(FollowupSettings, 1) is None
    saved = client.post("/hr/followup/settings", data=GOOD, follow_redirects=True)
    assert "自动提醒设置已保存" in saved.get_data(as_text=True)
    row = session.get(FollowupSettings, 1)
    assert row is not None and (row.run_hour, row.quiet_weekdays, row.escalate_days, row.summary_weekday) == (8, "5,6", 5, 4)
    assert row.holidays == "2026-10-01\n2026-10-02"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "followup_settings")).one()
    assert event.ip == "127.0.0.1" and "每日 8 时" in event.detail
    assert "每天 8 时（北京时间）自动运行" in saved.get_data(as_text=True)


def test_run_now_is_a_task_whose_links_use_the_request_address(
        make_app: Callable[..., Flask], make_user: Callable[..., Any], session: Session, clock: FixedClock,
        publish: Callable[..., Any], document: Callable[..., Any], smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    hr = make_user("人事", roles={Role.HR}, department="人力资源部")
    make_user("甲一", department="销售部", email="a@example.cn")
    app = make_app(SMTP_PORT=port)
    clock.advance(dt.timedelta(days=33))
    client = sign_in(app, hr, "https://portal.example.cn")
    answer = client.post("/hr/followup/run", base_url="https://portal.example.cn")
    assert answer.status_code == 302 and "/hr/followup/tasks/" in answer.headers["Location"]
    task_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    assert inbox.messages == []  # nothing is sent in the web request
    Runner(app)(task_id)
    progress = client.get(f"/hr/followup/tasks/{task_id}", base_url="https://portal.example.cn").get_data(as_text=True)
    assert "已完成" in progress and "逾期提醒 2 封" in progress  # 甲一 and HR
    bodies = [message_from_bytes(e.content, policy=default).get_content() for e in inbox.messages]
    assert any("https://portal.example.cn/my" in b for b in bodies) and not any("127.0.0.1" in b for b in bodies)
    log = client.get("/hr/followup", base_url="https://portal.example.cn").get_data(as_text=True)
    assert "a@example.cn" in log and "逾期提醒" in log and "已发送" in log
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "followup")).one()
    assert event.actor_id == hr.id and event.target == "手动运行"
    assert client.get("/hr/followup/tasks/999999", base_url="https://portal.example.cn").status_code == 404
