"""In a real browser: HR imports a small roster with one bad line, sees the preview, applies it; then moves
a person to another department and sees their assignments change (the old one kept in history)."""

from __future__ import annotations

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
from portal.releases.models import Regulation
from tests.browser import launch_chromium, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-42"
ROSTER = "工号,姓名,部门,岗位,入职日期\nE7001,陈晨,销售部,销售专员,2026-03-01\nE7002,林琳,财务部,会计,2026-02-20\nE7003,错行,销售部,专员,2026-15-01\n"


@pytest.fixture
def server(make_app: Callable[..., Any], session: Session, clock: FixedClock, make_user: Callable[..., Any],
           publish: Callable[..., Any], document: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。"]), document("finance", "财务管理制度", ["报销须有发票。"]))
    ids = {r.slug: r.id for r in session.scalars(select(Regulation)).all()}
    hr = make_user("何人事", roles={Role.HR}, department="人力资源部")
    make_user("老财务", department="财务部")  # so that 财务部 exists for the rule
    add_rule(session, clock, NewRule("department", "销售部", ids["sales"], 30))
    add_rule(session, clock, NewRule("department", "财务部", ids["finance"], 30))
    session.commit()
    app = make_app(WTF_CSRF_ENABLED=True)
    with serving(app) as url:
        yield {"url": url, "hr": hr}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def test_hr_imports_a_roster_then_transfers_a_new_hire(browser: Browser, server: dict[str, Any], tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = server["url"]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    # /favicon.ico is another branch's (hr-polish); every other console error fails the test
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(server["hr"].employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    roster = tmp_path / "名单.csv"
    roster.write_bytes(ROSTER.encode("gb18030"))  # what Excel on a Chinese Windows saves
    page.goto(f"{base}/admin/users")
    page.get_by_role("link", name="导入花名册").first.click()
    page.get_by_label("花名册文件（.csv 或 .xlsx）").set_input_files(str(roster))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#invalid-rows")).to_contain_text("第 4 行")
    expect(page.locator("#invalid-rows")).to_contain_text("入职日期无法识别")
    expect(page.locator("#new-rows tbody tr")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "40-roster-preview-laptop.png"), full_page=True)
    page.get_by_role("button", name="确认导入（新建 2 人，更新 0 人）").click()
    expect(page.get_by_role("heading", name="花名册已导入")).to_be_visible()
    expect(page.locator("#created-rows tbody tr")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "41-roster-imported-laptop.png"), full_page=True)

    page.get_by_role("link", name="E7001").click()
    current = page.locator("section.card", has=page.get_by_role("heading", name="当前签署任务（1 项）"))
    expect(current).to_contain_text("销售管理制度")
    page.get_by_label("部门", exact=True).fill("财务部")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("部门：销售部 → 财务部")).to_be_visible()
    tasks = page.locator("section.card", has=page.get_by_role("heading", name="当前签署任务（1 项）"))
    expect(tasks.locator("table").first).to_contain_text("财务管理制度")
    expect(tasks.locator("table").first).not_to_contain_text("销售管理制度")
    expect(tasks.locator("table").nth(1)).to_contain_text("销售管理制度")
    expect(tasks.locator("table").nth(1)).to_contain_text("已调岗")
    page.screenshot(path=str(SHOTS / "42-person-transferred-laptop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "42-person-transferred-phone.png"), full_page=True)

    page.goto(f"{base}/hr/onboarding")
    expect(page.locator("#new-hires")).to_contain_text("陈晨")
    expect(page.locator("#new-hires")).to_contain_text("林琳")
    page.screenshot(path=str(SHOTS / "43-new-hires-phone.png"), full_page=True)
    assert errors == []
    context.close()
