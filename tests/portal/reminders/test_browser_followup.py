"""In a real browser: HR opens 自动提醒, changes a setting, runs it now and sees the log (laptop and phone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.tasks.models import Task
from portal.tasks.runner import Runner
from tests.browser import launch_chromium, serving
from tests.portal.conftest import Inbox

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-42"


@pytest.fixture
def server(make_app: Callable[..., Any], session: Session, clock: FixedClock, make_user: Callable[..., Any],
           publish: Callable[..., Any], document: Callable[..., Any], smtp_server: tuple[Inbox, int]) -> Iterator[dict[str, Any]]:
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    hr = make_user("何人事", roles={Role.HR}, department="人力资源部")
    make_user("甲一", department="销售部", email="a@example.cn")
    clock.advance(dt.timedelta(days=32))
    app = make_app(WTF_CSRF_ENABLED=True, SMTP_PORT=smtp_server[1])
    with serving(app) as url:
        yield {"url": url, "hr": hr, "app": app, "inbox": smtp_server[0]}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def test_hr_sets_up_and_runs_the_follow_up(browser: Browser, server: dict[str, Any], session: Session) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = server["url"]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(server["hr"].employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{base}/admin/users")
    page.get_by_role("link", name="自动提醒").click()
    expect(page.get_by_role("heading", name="自动提醒")).to_be_visible()
    page.get_by_label("每日运行时间（时，0–23）").fill("30")
    page.get_by_role("button", name="保存设置").click()
    expect(page.get_by_text("每日运行时间须为 0 至 23 之间的整数。")).to_be_visible()
    page.get_by_label("每日运行时间（时，0–23）").fill("8")
    page.get_by_label("逾期几天后上报部门经理").fill("10")
    page.get_by_role("button", name="保存设置").click()
    expect(page.get_by_text("自动提醒设置已保存。")).to_be_visible()
    expect(page.get_by_text("每天 8 时（北京时间）自动运行")).to_be_visible()

    page.get_by_role("button", name="立即运行").click()
    expect(page.get_by_role("heading", name="自动提醒进度")).to_be_visible()
    [job] = session.scalars(select(Task.id).where(Task.kind == "followup")).all()
    Runner(server["app"])(job)  # the consumer's work, in this process
    expect(page.locator(".task-label")).to_have_text("已完成", timeout=15000)
    expect(page.locator(".task-message")).to_contain_text("逾期提醒 2 封")
    page.get_by_role("link", name="返回自动提醒").click()
    expect(page.locator(".followup-log")).to_contain_text("a@example.cn")
    page.screenshot(path=str(SHOTS / "50-followup-laptop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "50-followup-phone.png"), full_page=True)
    assert len(server["inbox"].messages) == 3  # two overdue reminders and HR's weekly summary
    context.close()
