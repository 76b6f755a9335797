"""In a real browser: a new hire signs a regulation; HR sees it and downloads the XLSX.

A real server (werkzeug, a thread) on 127.0.0.1, Debian's chromium driven by
Playwright, CSRF on.  Screenshots of each page, laptop and phone sized, go to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy.orm import Session

from portal.access import Role
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.releases.services import PublishRequest, publish_release
from portal.releases.sources import load_release
from tests.browser import launch_chromium, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct-horse-42"


@pytest.fixture
def live_server(make_app: Callable[..., Any], session: Session, clock: FixedClock, make_user: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    release_file = ROOT / "handbook" / "releases" / "2026.1.json"
    release = load_release(release_file)
    publish_release(session, clock, PublishRequest(release))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    hire = make_user("林新", department="销售部", hire_date=clock.today(), must_change_password=True)
    hr = make_user("王芳", roles={Role.HR}, department="人力资源部")
    for i in range(4):
        make_user(f"同事{i}", department=["销售部", "市场部", "客户服务部"][i % 3])
    app = make_app(WTF_CSRF_ENABLED=True)
    with serving(app) as url:
        yield {"url": url, "hire": hire, "hr": hr}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def log_in(page: Page, base: str, employee_no: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(employee_no)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_new_hire_signs_and_hr_sees_it_and_downloads_the_xlsx(browser: Browser, live_server: dict[str, Any], tmp_path: Path) -> None:
    base, hire, hr = live_server["url"], live_server["hire"], live_server["hr"]
    laptop = browser.new_context(viewport=LAPTOP, locale="zh-CN", accept_downloads=True)
    page = laptop.new_page()

    page.goto(f"{base}/login")
    shot(page, "01-login-laptop")
    log_in(page, base, hire.employee_no, PASSWORD)
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    shot(page, "02-change-password-laptop")
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("my-own-secret-7")
    page.get_by_label("再次输入新密码").fill("my-own-secret-7")
    page.get_by_role("button", name="保存新密码").click()

    expect(page.get_by_role("heading", name="我的手册")).to_be_visible()
    expect(page.locator(".task-pending").first).to_be_visible()
    shot(page, "03-my-handbook-laptop")
    first = page.locator(".task-pending .doc-title").first
    title = first.inner_text()
    first.click()

    expect(page.get_by_role("heading", name="确认签署")).to_be_visible()
    shot(page, "04-regulation-laptop")
    page.locator("#sign").scroll_into_view_if_needed()
    page.get_by_label("请输入您的姓名以确认").fill("林旧")
    page.get_by_role("button", name="确认签署").click()
    expect(page.get_by_text("请勾选确认声明。")).to_be_visible()
    expect(page.get_by_text("请输入与账号一致的姓名。")).to_be_visible()
    page.locator("#sign").scroll_into_view_if_needed()
    shot(page, "05-sign-errors-laptop")
    page.get_by_text(f"本人已阅读并理解《{title}》").click()
    page.get_by_label("请输入您的姓名以确认").fill("林新")
    page.get_by_role("button", name="确认签署").click()

    expect(page.get_by_role("heading", name="签署凭证")).to_be_visible()
    shot(page, "06-receipt-laptop")
    page.goto(f"{base}/my")
    done = page.locator(".task-done", has_text=title)
    expect(done).to_contain_text("已签署")
    shot(page, "07-my-handbook-after-laptop")

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    mobile = phone.new_page()
    mobile.goto(f"{base}/login")
    shot(mobile, "10-login-phone")
    log_in(mobile, base, hire.employee_no, "my-own-secret-7")
    expect(mobile.get_by_role("heading", name="我的手册")).to_be_visible()
    shot(mobile, "11-my-handbook-phone")
    mobile.locator(".task-pending .doc-title").first.click()
    expect(mobile.get_by_role("heading", name="确认签署")).to_be_visible()
    shot(mobile, "12-regulation-phone")
    mobile.locator("#sign").scroll_into_view_if_needed()
    shot(mobile, "13-sign-panel-phone")
    phone.close()

    hr_context = browser.new_context(viewport=LAPTOP, locale="zh-CN", accept_downloads=True)
    desk = hr_context.new_page()
    log_in(desk, base, hr.employee_no, PASSWORD)
    desk.goto(f"{base}/hr/dashboard/")
    expect(desk.get_by_role("heading", name="签署看板")).to_be_visible()
    shot(desk, "21-dashboard-laptop")
    desk.locator(".matrix").scroll_into_view_if_needed()
    shot(desk, "21b-matrix-laptop")
    desk.goto(f"{base}/hr/dashboard/people?only=signed")
    expect(desk.locator("table")).to_contain_text("林新")
    expect(desk.locator("table")).to_contain_text(title)
    shot(desk, "22-signed-list-laptop")
    desk.goto(f"{base}/hr/dashboard/")
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="导出 XLSX").first.click()
    target = tmp_path / "export.xlsx"
    download_info.value.save_as(target)
    workbook = load_workbook(io.BytesIO(target.read_bytes()))
    rows = list(workbook["完成情况"].iter_rows(values_only=True))
    sales_rows = [r for r in rows if r[0] == "销售部" and r[1] == title]
    assert sales_rows and sales_rows[0][4] == 1  # 已签人数: the new hire's signature

    hr_phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    hr_mobile = hr_phone.new_page()
    log_in(hr_mobile, base, hr.employee_no, PASSWORD)
    hr_mobile.goto(f"{base}/hr/dashboard/")
    expect(hr_mobile.get_by_role("heading", name="签署看板")).to_be_visible()
    shot(hr_mobile, "23-dashboard-phone")
    hr_mobile.goto(f"{base}/login")
    hr_phone.close()
    hr_context.close()
    laptop.close()
