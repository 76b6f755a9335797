"""In a real browser: HR limits a revision to one department, the approver sees the choice and approves,
the real task consumer publishes, and only that department's people are asked to re-sign; the others'
assignments are ended as 不再适用 and kept in their history.  Screenshots at laptop and phone size."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.model import Release
from forms.declarations import ALL_FORMS
from portal.access import Role
from portal.acks.services import SignRequest, sign
from portal.assignments.models import Assignment, AssignmentHistory
from portal.assignments.services import NewRule, add_rule, my_handbook
from portal.auth.models import User
from portal.clock import FixedClock
from portal.releases.everywhere import Artefacts, publish_everywhere
from portal.releases.models import Regulation, RegulationVersion
from portal.releases.services import PublishRequest
from portal.tasks.consumer import ConsumerProcess
from project.paths import Paths
from tests.browser import launch_chromium, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-42"
CLAUSES = ["销售人员应遵守合同，不得私自改价。", "回款须在三十日内完成。"]
LAPTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}


@pytest.fixture
def server(record_signer: Any, make_app: Callable[..., Any], session: Session, clock: FixedClock,
           make_user: Callable[..., Any], document: Callable[..., Any], tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Release 2026.1 (database, site, index) for everyone; three sales people and two in finance signed it."""
    paths = Paths(tmp_path)
    release = Release("2026.1", "测试手册", clock.today(), (document("sales", "销售管理制度", CLAUSES),))
    publish_everywhere(session, clock, Artefacts(paths, paths.mkdocs_config, tuple(ALL_FORMS)), PublishRequest(release))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    hr = make_user("何人事", roles={Role.HR}, department="人力资源部")
    approver = make_user("吴审批", roles={Role.APPROVER}, department="总经办")
    sales = [make_user(name, department="销售部") for name in ("张伟", "李娜", "王强")]
    finance = [make_user(name, department="财务部") for name in ("赵敏", "钱进")]
    version = session.scalars(select(RegulationVersion)).one()
    for user in [*sales, *finance]:
        sign(session, clock, SignRequest(user.id, version.id, True, user.name, "127.0.0.1", "t"), signer=record_signer)
    session.commit()
    app = make_app(WTF_CSRF_ENABLED=True, TASK_SWEEP_SECONDS=3600)
    consumer = ConsumerProcess(app)  # the real task consumer: the import and the publish run there
    consumer.start()
    try:
        with serving(app) as url:
            yield {"url": url, "hr": hr, "approver": approver, "sales": sales, "finance": finance}
    finally:
        consumer.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def _sign_in(page: Page, base: str, user: User) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(user.employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def _both_sizes(page: Page, name: str, show: str = "") -> None:
    """Full-page screenshots at laptop and phone size; ``show`` is a cell to scroll its table to (on a phone)."""
    for size, suffix in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        if show:
            page.locator(show).first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}-{suffix}.png"), full_page=True)
    page.set_viewport_size(LAPTOP)


def test_hr_limits_a_revision_to_one_department_and_only_its_people_are_asked_to_re_sign(
    browser: Browser, server: dict[str, Any], session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = server["url"]
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    _sign_in(page, base, server["hr"])
    revised = tmp_path / "sales.txt"
    revised.write_text("销售管理制度\n第一章 总则\n第一条 " + CLAUSES[0] + "\n第二条 回款须在十五日内完成。\n", encoding="utf-8")
    page.goto(f"{base}/admin/publish")
    page.get_by_label("制度文件（.doc / .docx / .txt，可多选）").set_input_files([str(revised)])
    page.get_by_label("版本号").fill("2026.2")
    page.get_by_label("生效日期").fill("2026-03-02")  # today on the test clock
    page.get_by_role("button", name="上传并生成草稿").click()
    expect(page.get_by_role("heading", name="逐条差异（1 处）")).to_be_visible(timeout=60_000)
    draft_url = page.url
    scope = page.locator(".applicability")
    expect(scope.locator(".scope-now")).to_have_text("全部部门")
    expect(scope).to_contain_text("与现行版本相同")
    expect(scope.get_by_label("销售部（3 人）")).to_be_visible()  # departments with head counts
    expect(scope.get_by_label("财务部（2 人）")).to_be_visible()

    scope.get_by_label("仅限所选部门").check()
    scope.get_by_label("销售部（3 人）").check()
    scope.get_by_role("button", name="保存适用部门").click()
    expect(page.get_by_text("已保存适用部门。")).to_be_visible()
    scope = page.locator(".applicability")
    expect(scope.locator(".scope-now")).to_have_text("销售部")
    expect(scope).to_contain_text("现行版本：全部部门")
    # The two finance people, HR and the approver hold assignments of the regulation today: 4 will end.
    expect(scope.locator(".scope-ending")).to_contain_text("4 项签署任务将结束")
    _both_sizes(page, "60-draft-departments")
    page.get_by_label("变更摘要").fill("回款期限缩短为十五日，仅适用于销售部")
    page.get_by_role("button", name="提交审批").click()
    expect(page.get_by_text("已提交审批")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    _sign_in(page, base, server["approver"])
    page.goto(draft_url)
    scope = page.locator(".applicability")
    expect(scope.locator(".scope-now")).to_have_text("销售部")
    expect(scope.get_by_role("button", name="保存适用部门")).to_have_count(0)  # approves what HR submitted
    _both_sizes(page, "61-approval-departments")
    page.get_by_role("button", name="批准并发布").click()
    expect(page.locator(".task-label")).to_have_text("已完成", timeout=120_000)
    expect(page.locator(".task-message")).to_contain_text("3 人次需要重新签署")
    expect(page.locator(".task-message")).to_contain_text("4 项签署任务因不再适用而结束")
    page.get_by_role("button", name="退出").click()

    # Count the rows: the re-sign requests are the open, unsigned assignments of the new version.
    session.expire_all()
    regulation = session.scalars(select(Regulation).where(Regulation.slug == "sales")).one()
    holders = set(session.scalars(select(Assignment.user_id).where(Assignment.regulation_id == regulation.id)))
    assert holders == {u.id for u in server["sales"]}
    for user in server["sales"]:
        [item] = my_handbook(session, user, clock.today())
        assert item.state == "pending" and item.version.label == "2026.2" and item.signed_before is not None
    ended = session.execute(select(AssignmentHistory.user_id, AssignmentHistory.reason)).all()
    assert sorted(ended) == sorted((u.id, "not_applicable") for u in [*server["finance"], server["hr"], server["approver"]])

    _sign_in(page, base, server["hr"])
    finance = server["finance"][0]
    page.goto(f"{base}/admin/users/{finance.id}")
    history = page.locator("table").filter(has_text="不再适用")
    expect(history).to_contain_text("销售管理制度")
    _both_sizes(page, "62-person-not-applicable", show=".tag:has-text('不再适用')")
    page.goto(f"{base}/admin/regulations/sales/versions")
    expect(page.locator("table")).to_contain_text("销售部")
    _both_sizes(page, "63-versions-departments", show="td[data-label='适用部门']")
    page.goto(f"{base}/hr/rules")
    expect(page.locator("main")).to_contain_text("规则只向这些部门的人员分配该制度")
    _both_sizes(page, "66-rules-note")
    context.close()

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2)
    mobile = phone.new_page()
    _sign_in(mobile, base, server["sales"][0])
    expect(mobile.get_by_text("已修订，请重新签署")).to_be_visible()
    mobile.screenshot(path=str(SHOTS / "64-resign-sales-phone.png"))
    mobile.get_by_role("link", name="销售管理制度").click()
    expect(mobile.locator(".scope")).to_have_text("适用范围 销售部")
    mobile.screenshot(path=str(SHOTS / "67-reading-scope-phone.png"))
    mobile.set_viewport_size(LAPTOP)
    mobile.screenshot(path=str(SHOTS / "67-reading-scope-laptop.png"))
    mobile.set_viewport_size(PHONE)
    mobile.goto(f"{base}/my")
    mobile.get_by_role("button", name="退出").click()
    _sign_in(mobile, base, finance)
    mobile.goto(f"{base}/my")
    expect(mobile.get_by_text("已修订，请重新签署")).to_have_count(0)
    expect(mobile.get_by_text("销售管理制度")).to_have_count(0)
    mobile.screenshot(path=str(SHOTS / "65-finance-not-asked-phone.png"))
    phone.close()
