"""In a real browser: HR names an owner; a year on, the owner confirms a review and a yearly
re-attestation comes due and is signed; an unreviewed regulation shows its notice (laptop and phone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.services import SignRequest, sign
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.lifecycle.daily import run_daily
from portal.lifecycle.models import AckReading
from portal.releases.models import RegulationVersion
from tests.browser import launch_chromium, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct-horse-42"


@pytest.fixture
def server(make_app: Callable[..., Any], session: Session, clock: FixedClock, make_user: Callable[..., Any],
           publish: Callable[..., Any], document: Callable[..., Any], record_signer: Any) -> Iterator[dict[str, Any]]:
    clauses = ["员工应保守公司的商业秘密，不得向任何第三方披露客户资料、价格政策和经营数据。"] * 9 + ["离职后仍须履行保密义务。"]
    publish("2026.1", document("secrets", "保密管理制度", clauses),
            document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    hr = make_user("何人事", roles={Role.HR}, department="人力资源部")
    owner = make_user("章法务", department="法务部")
    staff = make_user("甲一", department="销售部")
    for version in session.scalars(select(RegulationVersion)):
        sign(session, clock, SignRequest(staff.id, version.id, True, staff.name, "10.0.0.1", "test"), signer=record_signer)
    session.commit()
    app = make_app(WTF_CSRF_ENABLED=True)
    with serving(app) as url:
        yield {"url": url, "hr": hr, "owner": owner, "staff": staff}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page: Page, base: str, employee_no: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_owner_reviews_and_a_yearly_re_attestation_comes_due(browser: Browser, server: dict[str, Any], session: Session,
                                                             clock: FixedClock) -> None:
    base = server["url"]
    laptop = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    desk = laptop.new_page()
    log_in(desk, base, server["hr"].employee_no)
    desk.goto(f"{base}/admin/users")
    desk.get_by_role("link", name="制度复审").click()
    expect(desk.get_by_role("heading", name="制度复审")).to_be_visible()
    desk.get_by_role("link", name="设置《保密管理制度》").click()
    desk.get_by_label("归口部门").select_option("法务部")
    desk.get_by_label("负责人工号").fill("NOBODY")
    desk.get_by_role("button", name="保存").click()
    expect(desk.get_by_text("没有这个工号的在职账号。")).to_be_visible()
    desk.get_by_label("负责人工号").fill(server["owner"].employee_no)
    desk.get_by_label("重新确认周期（月）").fill("12")
    desk.get_by_label("签署前须读到正文末尾并达到最短阅读时间").check()
    desk.get_by_label("最短阅读时间（秒）").fill("3")
    desk.get_by_role("button", name="保存").click()
    expect(desk.get_by_text("《保密管理制度》的负责人与周期已保存。")).to_be_visible()
    desk.get_by_role("link", name="测验题目").click()
    desk.get_by_label("考查的条款").select_option("第十条")
    desk.get_by_label("题目").fill("离职以后还需要保密吗？")
    desk.get_by_label("选项（每行一个，正确选项前加 *）").fill("不需要\n*仍须履行保密义务")
    desk.get_by_role("button", name="添加题目").click()
    expect(desk.get_by_text("题目已添加。")).to_be_visible()
    shot(desk, "59-quiz-editor-laptop")
    desk.goto(f"{base}/hr/lifecycle")
    expect(desk.locator(".lifecycle-overview")).to_contain_text("章法务")
    shot(desk, "60-lifecycle-overview-laptop")

    # Eleven months on: the owner's review task has opened (30 days before 2027-03-02).
    clock.at = dt.datetime(2027, 2, 1, 2, 0, tzinfo=dt.UTC)
    run_daily(session, clock, None, base)
    owner = browser.new_context(viewport=LAPTOP, locale="zh-CN").new_page()  # cookies of its own
    log_in(owner, base, server["owner"].employee_no)
    expect(owner.get_by_text("您负责的制度有 1 项待复审。")).to_be_visible()
    owner.get_by_role("link", name="去复审").click()
    expect(owner.get_by_role("heading", name="我负责的制度")).to_be_visible()
    owner.get_by_role("link", name="保密管理制度").click()
    expect(owner.get_by_role("heading", name="复审：保密管理制度")).to_be_visible()
    owner.get_by_role("button", name="提交复审结论").click()
    expect(owner.get_by_text("请选择复审结论。")).to_be_visible()
    owner.get_by_label("已阅读现行文本，确认无需修订").check()
    owner.get_by_label("说明").fill("经核对，与现行法规一致。")
    owner.get_by_role("button", name="提交复审结论").click()
    expect(owner.get_by_text("下次复审日期已顺延")).to_be_visible()
    expect(owner.locator(".review-history")).to_contain_text("章法务")
    shot(owner, "61-owner-review-done-laptop")

    # A year and a day after 甲一 signed: the yearly re-attestation comes due; 销售 was never reviewed.
    clock.at = dt.datetime(2027, 4, 3, 2, 0, tzinfo=dt.UTC)
    outcome = run_daily(session, clock, None, base)
    assert outcome.rounds_opened == 1
    desk.goto(f"{base}/hr/dashboard/")
    expect(desk.locator(".lifecycle-flag")).to_contain_text("有 1 项制度复审逾期")
    shot(desk, "62-dashboard-review-flag-laptop")

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    mobile = phone.new_page()
    log_in(mobile, base, server["staff"].employee_no)
    expect(mobile.locator(".task-pending", has_text="保密管理制度")).to_contain_text("定期重新确认")
    shot(mobile, "63-reattest-my-handbook-phone")
    mobile.locator(".task-pending .doc-title", has_text="保密管理制度").click()
    expect(mobile.locator(".lifecycle-reattest")).to_be_visible()
    expect(mobile.locator(".lifecycle-facts")).to_contain_text("负责人 章法务")
    shot(mobile, "64-reattest-regulation-phone")
    sign_button = mobile.get_by_role("button", name="确认签署")
    expect(sign_button).to_be_disabled()
    expect(mobile.locator("#reading-status")).to_contain_text("请读到正文末尾")
    mobile.get_by_role("link", name="开始测验").click()
    mobile.get_by_label("不需要").check()
    mobile.get_by_role("button", name="提交答案").click()
    expect(mobile.locator(".quiz-wrong")).to_contain_text("离职后仍须履行保密义务。")  # the clause to read again
    shot(mobile, "67-quiz-wrong-phone")
    mobile.get_by_label("仍须履行保密义务").check()
    mobile.get_by_role("button", name="提交答案").click()
    expect(mobile.get_by_text("测验通过（得分 100%），现在可以签署。")).to_be_visible()
    expect(mobile.locator(".quiz-status")).to_have_text("测验已通过。")
    mobile.keyboard.press("End")  # the keyboard reaches the end as well as a thumb
    expect(mobile.locator("#reading-status")).to_have_text("已读完，可以签署。", timeout=10_000)
    expect(sign_button).to_be_enabled()
    shot(mobile, "66-reading-done-phone")
    clock.advance(dt.timedelta(seconds=4))  # the server's clock: the three seconds have passed there too
    mobile.get_by_text("本人已阅读并理解《保密管理制度》").click()
    mobile.get_by_label("请输入您的姓名以确认").fill("甲一")
    sign_button.click()
    expect(mobile.get_by_role("heading", name="签署凭证")).to_be_visible()
    [reading] = session.scalars(select(AckReading)).all()  # how 甲一 read, beside the new signature
    assert reading.read_to_end and reading.seconds >= reading.required_seconds == 3
    mobile.goto(f"{base}/my")
    expect(mobile.locator(".task-done", has_text="保密管理制度")).to_contain_text("已签署")
    mobile.goto(f"{base}/regulations/sales")
    expect(mobile.locator(".lifecycle-lapsed")).to_contain_text("本制度已超过复审期限")
    shot(mobile, "65-lapsed-notice-phone")
    phone.close()
    owner.context.close()
    laptop.close()
