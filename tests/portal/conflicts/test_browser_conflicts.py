"""In a real browser: HR marks candidate conflicts; both clauses side by side on a laptop, stacked on a phone.

Screenshots go to ``test-artifacts/screenshots/conflicts-*.png``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy.orm import Session

from domain.model import Release
from portal.access import Role
from portal.clock import FixedClock
from portal.releases.services import PublishRequest, publish_release
from tests.browser import launch_chromium, serving
from tests.portal.conftest import PASSWORD, build_document

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_server(make_app: Callable[..., Any], session: Session, clock: FixedClock,
                make_user: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    documents = (
        build_document("leave", "休假管理办法", ["为规范休假，制定本办法。", "员工婚假为三天。", "请假三天以内的，由部门经理审批。"]),
        build_document("attendance", "员工考勤管理制度", ["员工婚假为十天。", "请假三天以内的，由人力资源部经理审批。"]),
    )
    publish_release(session, clock, PublishRequest(Release("2026.1", "测试手册", clock.today(), documents)))
    session.commit()
    hr = make_user("王人事", roles={Role.HR}, department="人力资源部")
    with serving(make_app(WTF_CSRF_ENABLED=True)) as url:
        yield {"url": url, "hr": hr}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def log_in(page: Page, base: str, employee_no: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_hr_marks_candidates_side_by_side(browser: Browser, live_server: dict[str, Any]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server["url"]
    page = browser.new_context(viewport=LAPTOP, locale="zh-CN").new_page()
    log_in(page, base, live_server["hr"].employee_no)
    page.get_by_role("link", name="制度冲突").click()
    cards = page.locator(".conflict")
    expect(cards).to_have_count(2)
    first = cards.first
    sides = first.locator(".side").all()
    assert len(sides) == 2
    a, b = sides[0].bounding_box(), sides[1].bounding_box()
    assert a and b and abs(a["y"] - b["y"]) < 2 and b["x"] > a["x"] + a["width"] - 1  # side by side
    page.screenshot(path=str(SHOTS / "conflicts-laptop.png"), full_page=True)

    first.get_by_label("确属冲突", exact=True).check()
    first.get_by_role("button", name="保存").click()
    expect(page.get_by_text("请写明说明")).to_be_visible()
    first = page.locator(".conflict").first
    first.get_by_label("确属冲突", exact=True).check()
    first.get_by_label("说明（确属冲突时必填）").fill("以《休假管理办法》为准")
    first.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已标记为“确属冲突”")).to_be_visible()
    expect(page.locator(".conflict")).to_have_count(1)  # the 待确认 tab keeps only the other one
    page.get_by_role("link", name="确属冲突 1").click()
    expect(page.locator(".conflict")).to_contain_text("以《休假管理办法》为准")

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True).new_page()
    log_in(phone, base, live_server["hr"].employee_no)
    phone.goto(f"{base}/hr/conflicts?status=all")
    sides = phone.locator(".conflict").first.locator(".side").all()
    a, b = sides[0].bounding_box(), sides[1].bounding_box()
    assert a and b and b["y"] >= a["y"] + a["height"] - 1  # stacked
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(SHOTS / "conflicts-phone.png"), full_page=True)
