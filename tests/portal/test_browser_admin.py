"""In a real browser: HR publishes a revision and watches the progress bar; admin pages on laptop and phone.

After the publish, the portal serves the new release everywhere at once: the old release's site page
carries Material's outdated banner, search finds the new clause text without a restart, and the employee
who had signed the old text sees the changed clauses marked and signs again.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from sqlalchemy.orm import Session

from domain.model import Release
from forms.declarations import ALL_FORMS
from portal.access import Role
from portal.acks.services import SignRequest, sign
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.releases.everywhere import Artefacts, publish_everywhere
from portal.releases.models import RegulationVersion
from portal.releases.services import PublishRequest
from portal.tasks.consumer import ConsumerProcess, run_periodic
from portal.tasks.queue import build_queue
from portal.tasks.runner import Runner
from project.paths import Paths
from tests.browser import launch_chromium, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-42"
CLAUSES = ["销售人员应遵守合同，不得私自改价。", "回款须在三十日内完成。", "客户档案由销售内勤统一保管。"]


def publish_first_release(session: Session, clock: FixedClock, root: Path, document: Callable[..., Any]) -> None:
    """Release 2026.1 as the run command has it: database rows, ``site/2026.1/`` and its search index."""
    paths = Paths(root)
    release = Release("2026.1", "测试手册", clock.today(),
                      (document("sales", "销售管理制度", CLAUSES), document("meetings", "会议管理制度", ["会议须有纪要。"])))
    publish_everywhere(session, clock, Artefacts(paths, paths.mkdocs_config, tuple(ALL_FORMS)), PublishRequest(release))


@pytest.fixture
def server(record_signer: Any, make_app: Callable[..., Any], session: Session, clock: FixedClock, make_user: Callable[..., Any],
           document: Callable[..., Any], tmp_path: Path) -> Iterator[dict[str, Any]]:
    publish_first_release(session, clock, tmp_path, document)
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    admin = make_user("周管理", roles={Role.ADMIN}, department="信息部")
    signer = make_user("张伟", department="销售部")
    version = session.query(RegulationVersion).filter_by(title="销售管理制度").one()
    sign(session, clock, SignRequest(signer.id, version.id, True, "张伟", "127.0.0.1", "browser-test"), signer=record_signer)
    session.commit()
    approver = make_user("吴审批", roles={Role.APPROVER}, department="总经办")
    # The consumer child runs on the system clock, so its periodic work (releases coming into force) is left
    # to AppClockHousekeeping in this process, on the test's clock; the child runs the jobs themselves.
    app = make_app(WTF_CSRF_ENABLED=True, TASK_SWEEP_SECONDS=3600)
    consumer = ConsumerProcess(app)  # the real task consumer: imports and publishing run there
    consumer.start()
    try:
        with serving(app) as url:
            yield {"url": url, "app": app, "admin": admin, "signer": signer, "approver": approver}
    finally:
        consumer.stop()


class AppClockHousekeeping:
    """The consumer's periodic work (:func:`portal.tasks.consumer.run_periodic`), every 0.2 s on the app's clock."""

    def __init__(self, app: Any) -> None:
        self.runner, self.queue = Runner(app), build_queue(app.config)
        self.rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="app-clock-housekeeping", daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            run_periodic(self.runner, self.queue)
            self.rounds += 1

    def __enter__(self) -> AppClockHousekeeping:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        self.runner.engine.dispose()

    def wait_rounds(self, count: int) -> None:
        """Until ``count`` more rounds ran, so a switch that was due would have been queued."""
        target = self.rounds + count
        deadline = time.monotonic() + 20
        while self.rounds < target and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.rounds >= target, "the housekeeping thread stopped"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def test_publishing_a_revision_shows_progress_and_asks_the_signer_again(
    browser: Browser, server: dict[str, Any], document: Callable[..., Any], tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = server["url"]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(server["admin"].employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(f"{base}/hr/rules")
    expect(page.get_by_role("heading", name="分配规则")).to_be_visible()
    page.screenshot(path=str(SHOTS / "31-rules-laptop.png"))
    page.goto(f"{base}/admin/users")
    expect(page.get_by_role("cell", name="张伟")).to_be_visible()
    page.screenshot(path=str(SHOTS / "32-users-laptop.png"))

    sales = tmp_path / "sales.txt"
    sales.write_text("销售管理制度\n第一章 总则\n第一条 " + CLAUSES[0] + "\n第二条 回款须在十五日内完成。\n第三条 " + CLAUSES[2] + "\n",
                     encoding="utf-8")
    page.goto(f"{base}/admin/publish")
    page.get_by_label("制度文件（.doc / .docx / .txt，可多选）").set_input_files([str(sales)])
    page.get_by_label("版本号").fill("2026.2")
    page.get_by_label("生效日期").fill("2026-03-02")  # today on the test clock: in force at once
    page.get_by_role("button", name="上传并生成草稿").click()
    expect(page.get_by_role("heading", name="逐条差异（1 处）")).to_be_visible(timeout=30_000)
    expect(page.locator("ins").first).to_have_text("五")  # 三十日 → 十五日: 三 deleted, 五 inserted
    draft_url = page.url
    page.screenshot(path=str(SHOTS / "33-publish-draft-diff-laptop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "33-publish-draft-diff-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_label("变更摘要").fill("回款期限由三十日缩短为十五日")
    page.get_by_role("button", name="提交审批").click()
    expect(page.get_by_text("已提交审批")).to_be_visible()
    expect(page.get_by_role("button", name="批准并发布")).to_have_count(0)  # four eyes: not the author
    page.get_by_role("button", name="退出").click()

    page.get_by_label("工号").fill(server["approver"].employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(draft_url)
    page.get_by_role("button", name="批准并发布").click()
    expect(page.get_by_role("heading", name="发布进度")).to_be_visible()
    expect(page.locator(".task-label")).to_have_text("已完成", timeout=90_000)
    expect(page.locator(".task-message")).to_contain_text("1 人次需要重新签署")
    page.screenshot(path=str(SHOTS / "34-publish-progress-laptop.png"))
    page.get_by_role("button", name="退出").click()
    page.get_by_label("工号").fill(server["admin"].employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    check_the_site_and_search_switched(page, base)

    page.goto(f"{base}/admin/regulations/sales/versions")
    expect(page.get_by_role("heading", name="销售管理制度 · 版本管理")).to_be_visible()
    page.get_by_role("button", name="比较所选的两个版本").click()
    expect(page.locator("ins").first).to_have_text("五")
    page.screenshot(path=str(SHOTS / "34b-versions-laptop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "34b-versions-phone.png"), full_page=True)
    page.goto(f"{base}/admin/publish")
    page.screenshot(path=str(SHOTS / "34c-publish-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{base}/admin/audit")
    expect(page.locator("table")).to_contain_text("发布")
    page.screenshot(path=str(SHOTS / "35-audit-laptop.png"))
    page.goto(f"{base}/admin/verify")
    page.get_by_role("button", name="开始校验").click()
    expect(page.get_by_text("校验通过")).to_be_visible()
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                has_touch=True, device_scale_factor=2)
    mobile = phone.new_page()
    mobile.goto(f"{base}/login")
    mobile.get_by_label("工号").fill(server["signer"].employee_no)
    mobile.get_by_label("密码").fill(PASSWORD)
    mobile.get_by_role("button", name="登录").click()
    expect(mobile.get_by_text("已修订，请重新签署")).to_be_visible()
    mobile.screenshot(path=str(SHOTS / "35-resign-request-phone.png"))
    mobile.get_by_role("link", name="销售管理制度").click()
    expect(mobile.get_by_role("heading", name="本次修订的变化")).to_be_visible()
    [changed] = mobile.locator(".change-list li").all()  # only 第二条 changed; 第一条 and 第三条 are not listed
    expect(changed).to_have_class("change change-changed")
    expect(changed.locator(".change-kind")).to_have_text("修改")
    expect(changed.get_by_role("link")).to_have_text("第二条")
    expect(changed.locator("del")).to_have_text("三")
    expect(changed.locator("ins")).to_have_text("五")
    mobile.screenshot(path=str(SHOTS / "36-what-changed-phone.png"))
    mobile.locator("#sign").scroll_into_view_if_needed()
    mobile.get_by_text("本人已阅读并理解《销售管理制度》").click()
    mobile.get_by_label("请输入您的姓名以确认").fill("张伟")
    mobile.get_by_role("button", name="确认签署").click()
    expect(mobile.get_by_role("heading", name="签署凭证")).to_be_visible()
    expect(mobile.locator("main")).to_contain_text("2026.2")
    mobile.screenshot(path=str(SHOTS / "36b-resigned-receipt-phone.png"), full_page=True)
    phone.close()


def check_the_site_and_search_switched(page: Any, base: str) -> None:
    """Right after the publish, with no restart: the old site release says it is outdated, search finds the new text."""
    page.goto(f"{base}/site/2026.1/regulations/sales/")
    banner = page.locator("[data-md-component=outdated]")
    expect(banner).to_be_visible(timeout=10_000)  # Material's script compares the page's release with versions.json
    expect(banner).to_contain_text("您正在查看的不是现行版本")
    expect(page.locator(".md-content")).to_contain_text("回款须在三十日内完成")  # the old text, as it was
    page.screenshot(path=str(SHOTS / "37-old-release-outdated-laptop.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "37-old-release-outdated-phone.png"))
    page.set_viewport_size({"width": 1366, "height": 768})
    banner.get_by_role("link", name="查看现行版本").click()
    expect(page.locator(".md-version__current")).to_contain_text("2026.2", timeout=10_000)
    expect(page.locator("[data-md-component=outdated]")).to_be_hidden()
    page.goto(f"{base}/site/2026.2/regulations/sales/")
    expect(page.locator(".md-content")).to_contain_text("回款须在十五日内完成")
    expect(page.locator("[data-md-component=outdated]")).to_be_hidden()

    page.goto(f"{base}/search?q=十五日")
    hit = page.locator(".hit").first
    expect(hit).to_contain_text("回款须在十五日内完成")
    page.screenshot(path=str(SHOTS / "38-search-new-clause-laptop.png"))
    hit.locator(".doc-title").click()  # the hit's anchor exists in the release in force
    expect(page.locator(".reg-body")).to_contain_text("回款须在十五日内完成")
    page.goto(f"{base}/search?q=三十日")
    expect(page.get_by_role("heading", name="没有找到与“三十日”相关的条款")).to_be_visible()


def log_in(page: Any, base: str, user: Any) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(user.employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def log_out(page: Any) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_label("工号")).to_be_visible()


def reload_until(page: Any, url: str, selector: str, text: str, seconds: float = 90) -> None:
    """Open ``url`` again until ``selector`` holds ``text``: the switch happens in the background."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        if text in page.locator(selector).inner_text():
            return
        assert time.monotonic() < deadline, f"{url} never showed {text!r}"
        time.sleep(0.5)


def expect_release_in_force(page: Any, base: str, version: str, clause: str, gone: str) -> None:
    """The site's latest, the reading page and search all answer from ``version``."""
    page.goto(f"{base}/site/latest/regulations/sales/")
    expect(page.locator(".md-version__current")).to_contain_text(version, timeout=10_000)
    expect(page.locator(".md-content")).to_contain_text(clause)
    expect(page.locator("[data-md-component=outdated]")).to_be_hidden()
    page.goto(f"{base}/regulations/sales")
    expect(page.locator("main")).to_contain_text(f"版本 {version}")
    expect(page.locator(".reg-body")).to_contain_text(clause)
    expect(page.locator(".reg-body")).not_to_contain_text(gone)
    page.goto(f"{base}/search?q={clause[3:6]}")
    expect(page.locator(".hit").first).to_contain_text(clause)
    page.goto(f"{base}/search?q={gone[3:6]}")
    expect(page.get_by_role("heading", name=f"没有找到与“{gone[3:6]}”相关的条款")).to_be_visible()


def test_a_future_effective_date_switches_when_the_app_clock_passes_it(
    browser: Browser, server: dict[str, Any], clock: FixedClock, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = server["url"]
    old, new = "回款须在三十日内完成。", "回款须在十五日内完成。"
    effective = clock.today() + dt.timedelta(days=3)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    with AppClockHousekeeping(server["app"]) as housekeeping:
        log_in(page, base, server["admin"])
        sales = tmp_path / "sales.txt"
        sales.write_text(f"销售管理制度\n第一章 总则\n第一条 {CLAUSES[0]}\n第二条 {new}\n第三条 {CLAUSES[2]}\n", encoding="utf-8")
        page.goto(f"{base}/admin/publish")
        page.get_by_label("制度文件（.doc / .docx / .txt，可多选）").set_input_files([str(sales)])
        page.get_by_label("版本号").fill("2026.2")
        page.get_by_label("生效日期").fill(effective.isoformat())
        page.get_by_role("button", name="上传并生成草稿").click()
        expect(page.get_by_role("heading", name="逐条差异（1 处）")).to_be_visible(timeout=30_000)
        draft_url = page.url
        page.get_by_label("变更摘要").fill("回款期限由三十日缩短为十五日，三日后生效")
        page.get_by_role("button", name="提交审批").click()
        expect(page.get_by_text("已提交审批")).to_be_visible()
        log_out(page)

        log_in(page, base, server["approver"])
        page.goto(draft_url)
        page.get_by_role("button", name="批准并发布").click()
        expect(page.get_by_text(f"已批准：现行版本继续有效，{effective.isoformat()} 生效时将自动发布。")).to_be_visible()
        expect(page.locator("h1 .badge")).to_have_text("已批准，待生效")
        page.screenshot(path=str(SHOTS / "39-scheduled-draft-laptop.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "39-scheduled-draft-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 768})
        log_out(page)

        log_in(page, base, server["signer"])
        clock.advance(dt.timedelta(days=2))  # the day before: the version in force stays, whatever runs meanwhile
        housekeeping.wait_rounds(3)
        expect_release_in_force(page, base, "2026.1", old, new)

        clock.advance(dt.timedelta(days=1))  # the day comes; nobody acts
        reload_until(page, f"{base}/regulations/sales", "main", "版本 2026.2")
        expect(page.get_by_role("heading", name="本次修订的变化")).to_be_visible()
        expect_release_in_force(page, base, "2026.2", new, old)
        page.goto(f"{base}/site/2026.1/regulations/sales/")
        expect(page.locator("[data-md-component=outdated]")).to_be_visible(timeout=10_000)
        page.goto(f"{base}/regulations/sales")
        page.screenshot(path=str(SHOTS / "40-switched-reading-laptop.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "40-switched-reading-phone.png"), full_page=True)
    context.close()
