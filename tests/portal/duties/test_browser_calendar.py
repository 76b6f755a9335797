"""In a real browser: 职责日历 as a month grid on a laptop and a list of days on a phone, a duty's link to its
clause, and subscribing to one's own duties (the .ics fetched by the browser's client and parsed back).

Screenshots go to ``test-artifacts/screenshots/duties-*.png``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy.orm import Session

from domain.model import Release
from portal.clock import FixedClock
from portal.releases.services import PublishRequest, publish_release
from portal.releases.sources import load_release
from tests.browser import launch_chromium, serving
from tests.portal.conftest import build_document

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "test-artifacts" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct-horse-42"
MARKET_DUTIES = build_document("market-duties", "市场部工作制度", [
    "为规范市场部工作，制定本制度。",
    "市场部每月5日前提交上月市场分析报告。",
    "市场部每周一召开部门例会。",
    "市场部每季度末组织一次竞品调研总结。",
    "市场部在活动结束后三日内提交活动总结。",
])


@pytest.fixture
def live_server(make_app: Callable[..., Any], session: Session, clock: FixedClock,
                make_user: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    handbook = load_release(ROOT / "handbook" / "releases" / "2026.1.json")
    release = Release(handbook.version, handbook.title, handbook.effective, (*handbook.documents, MARKET_DUTIES))
    publish_release(session, clock, PublishRequest(release))
    session.commit()
    person = make_user("赵市场", department="市场部")
    make_user("钱销售", department="销售部")
    app = make_app(WTF_CSRF_ENABLED=True)
    with serving(app) as url:
        yield {"url": url, "person": person}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"duties-{name}.png"), full_page=True)


def log_in(page: Page, base: str, employee_no: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_calendar_is_a_month_grid_on_a_laptop_and_links_each_duty_to_its_clause(
    browser: Browser, live_server: dict[str, Any]
) -> None:
    base = live_server["url"]
    page = browser.new_context(viewport=LAPTOP, locale="zh-CN").new_page()
    log_in(page, base, live_server["person"].employee_no)
    page.get_by_role("link", name="职责日历").click()
    expect(page.get_by_role("heading", name="2026 年 3 月")).to_be_visible()
    grid = page.locator(".month-grid")
    expect(grid).to_be_visible()
    expect(page.locator(".day-list")).to_be_hidden()
    fifth = grid.locator("td", has=page.locator(".day-no", has_text="5")).filter(has_text="市场部").first
    expect(fifth.locator(".chip")).to_have_count(1)
    expect(grid.locator("td.today .day-no")).to_have_text("2")
    mondays = grid.locator("tbody tr td:first-child .chip")
    expect(mondays).to_have_count(5)  # 2, 9, 16, 23, 30 March
    shot(page, "calendar-laptop")

    page.get_by_role("link", name="下月 ›").click()
    expect(page.get_by_role("heading", name="2026 年 4 月")).to_be_visible()
    page.get_by_label("部门").select_option("销售部")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", name="2026 年 4 月")).to_be_visible()  # the month stays
    expect(page.locator(".chip", has_text="市场部每月5日前")).to_have_count(0)
    page.get_by_label("部门").select_option("市场部")
    page.get_by_role("button", name="查看").click()

    page.locator(".chip", has_text="市场部每月5日前").first.click()
    page.wait_for_url("**/regulations/market-duties#*")
    assert unquote(page.url).endswith("#第二条")
    expect(page.locator("#第二条")).to_be_in_viewport()
    duties = page.locator("#duties")
    expect(duties).to_contain_text("本制度中的职责与时限")
    expect(duties.locator(".duty")).to_have_count(4)
    shot(page, "regulation-duties-laptop")


def test_the_calendar_is_a_list_on_a_phone_and_a_person_subscribes_to_their_duties(
    browser: Browser, live_server: dict[str, Any]
) -> None:
    base = live_server["url"]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, base, live_server["person"].employee_no)
    page.goto(f"{base}/duties")
    expect(page.locator(".month-grid")).to_be_hidden()
    days = page.locator(".day-list .day-entry")
    expect(days.first).to_be_visible()
    expect(page.locator(".day-entry", has_text="3 月 2 日 · 周一 · 今天")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing sticks out
    shot(page, "calendar-phone")

    page.get_by_role("link", name="我的职责与日历订阅").click()
    expect(page.get_by_text("您还没有订阅地址")).to_be_visible()
    page.get_by_role("button", name="生成订阅地址").click()
    address = page.get_by_label("订阅地址")
    expect(address).to_be_visible()
    url = address.input_value()
    shot(page, "mine-phone")

    answer = context.request.get(url.replace("http://127.0.0.1:8000", base))
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(answer.body()).walk("VEVENT")
    summaries = {str(e["summary"]) for e in events}
    assert "市场部每月5日前提交上月市场分析报告。" in summaries
    assert not any("活动结束后" in s for s in summaries)  # waits for its event: listed on the page instead

    page.get_by_role("button", name="停用订阅地址").click()
    expect(page.get_by_text("订阅地址已停用")).to_be_visible()
    assert context.request.get(url.replace("http://127.0.0.1:8000", base)).status == 404
