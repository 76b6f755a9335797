"""Every page of the route table, as each role that may open it, at laptop and phone size, in chromium.

Each role signs in and visits every GET page its declaration allows (files, exports and JSON are not
pages); the guards of tests/browser.py fail the test on a console error or an English UI word. At phone
width nothing may need a sideways swipe: neither the page as a whole nor a table in its box (tables are
labelled cards there; only a regulation's own tables and a box marked .scroll-x may scroll). Every visit
leaves a full-page screenshot, test-artifacts/screenshots/every-page/<page>-<role>-<laptop|phone>.png,
for a person to look at (docs/ui.md says what was looked at).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.declarations import MINUTES
from portal.access import Role, access_of
from portal.assignments.services import NewRule, add_rule, remove_rule
from portal.audit.services import record
from portal.auth.services import Profile, update_profile
from portal.clock import FixedClock
from portal.formsdesk.filing import can_view, submit
from portal.formsdesk.minutes import distribute, review
from portal.formsdesk.models import FormDocument
from portal.releases.models import Regulation
from portal.tasks.services import create_task
from tests.browser import launch_chromium, serving
from tests.portal.conftest import PASSWORD
from tests.portal.formsdesk.conftest import PEOPLE, example
from tests.portal.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "every-page"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# Not pages: downloads, JSON, the published site (its own browser tests), redirects and the health probe.
NOT_PAGES = re.compile(r"(\.(pdf|csv|xlsx|json|ico|zip|docx|js|css)$|<fmt>|/file$|/logout$|^/site|^/health|/download)")
ORDER = (Role.EMPLOYEE, Role.MANAGER, Role.APPROVER, Role.HR, Role.ADMIN)


def _url(rule: Any, values: dict[str, Any]) -> str:
    path = str(rule.rule)
    for argument in rule.arguments:
        path = re.sub(r"<(?:[a-z]+:)?" + argument + ">", str(values[argument]), path)
    return path


def pages_for(app: Flask, role: Role, values: dict[str, Any], overrides: dict[str, dict[str, Any]] | None = None) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET page the role's declaration allows; ``overrides`` gives one endpoint
    its own values (a form's slug is not a regulation's)."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        access = access_of(app.view_functions[rule.endpoint]) if rule.endpoint != "static" else None
        if access is None or "GET" not in (rule.methods or ()) or NOT_PAGES.search(rule.rule) or access.anonymous:
            continue
        if not access.roles or role == Role.ADMIN or role in access.roles:
            found.append((rule.endpoint, _url(rule, values | (overrides or {}).get(rule.endpoint, {}))))
    return found


@pytest.fixture
def server(record_signer: Any, make_app: Callable[..., Flask], session: Session, clock: FixedClock,
           make_user: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    world = build_world(record_signer, session, clock, make_user, publish, document)
    _fill_out(session, clock, make_user, publish, document, world)
    app = make_app()
    with serving(app) as url:
        yield {"url": url, "app": app, **world}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def _fill_out(session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
              document: Callable[..., Any], world: dict[str, Any]) -> None:
    """What a real department has and the bare route world lacks: a long regulation title, people with long
    names and addresses in six departments, a new hire, a transfer (so 历史任务 has a row), audit lines with IPv6,
    the example minutes distributed, finished task runs; and the values the forms desk's and runs' pages need."""
    publish("2026.2", document("sales", "销售管理制度", ["销售人员应遵守合同。"]),
            document("marketing-1", "营销中心管理制度（区域市场推广与客户关系管理实施细则）", ["推广费用须事先审批。"]))
    ids: dict[str, int] = {slug: id_ for slug, id_ in session.execute(select(Regulation.slug, Regulation.id))}
    # the world's rule gives everyone everything; narrowed, a transfer out of 销售部 ends marketing-1 (已调岗)
    add_rule(session, clock, NewRule("all", "", ids["sales"], 30))
    add_rule(session, clock, NewRule("department", "销售部", ids["marketing-1"], 30))
    remove_rule(session, clock, world["values"]["rule_id"])
    for number, (name, department, hired) in enumerate((("欧阳晓梅", "华东区营销中心市场推广部", None), ("司马文博", "人力资源部", None),
                                                         ("张伟", "销售部", clock.today() - dt.timedelta(days=3)))):
        make_user(name, department=department, email=f"very.long.address.{number}@sales-department.example.com", hire_date=hired)
    moved = _transferred(session, clock, world)
    minutes = _distributed_minutes(session, clock, make_user)
    runs = _finished_runs(session, clock, world["users"][Role.HR])
    world["overrides"] = {"formsdesk.fill": {"slug": MINUTES.slug}, "formsdesk.document": {"label": minutes.number},
                          "reminders.task": {"task_id": runs["followup"].id}, "proofs.export": {"task_id": runs["proof_export"].id}}
    # the minutes are their department's, HR's and their attendees' to read: the others are refused (tested elsewhere)
    world["refused"] = {(role, "formsdesk.document") for role, user in world["users"].items() if not can_view(session, user, minutes)}
    record(session, clock, "password_set", actor=world["users"][Role.ADMIN], target=f"{moved.employee_no} {moved.name}",
           detail="由管理员重置密码，下次登录须修改", ip="2001:db8:85a3:0000:0000:8a2e:0370:7334")
    session.commit()
    clock.advance(dt.timedelta(minutes=1))


def _transferred(session: Session, clock: FixedClock, world: dict[str, Any]) -> Any:
    """The employee moved from 销售部 to a department with a long name, by HR, from an IPv6 address."""
    moved = world["users"][Role.EMPLOYEE]
    update_profile(session, clock, moved, Profile(moved.name, "employee.transferred@sales-department.example.com",
                   "华东区营销中心市场推广部", "高级市场推广专员", moved.hire_date), actor=world["users"][Role.HR],
                   ip="2001:db8:85a3::8a2e:370:7334")
    return moved


def _finished_runs(session: Session, clock: FixedClock, hr: Any) -> dict[str, Any]:
    """A follow-up run and a proof export, done (their progress pages)."""
    runs = {kind: create_task(session, clock, kind, hr.id) for kind in ("followup", "proof_export")}
    for run in runs.values():
        run.status, run.progress, run.message = "done", 100, "已完成：共 3 人。"
    return runs


def _distributed_minutes(session: Session, clock: FixedClock, make_user: Callable[..., Any]) -> FormDocument:
    """The example meeting minutes, submitted, signed by the chair and distributed."""
    people = {name: make_user(name, roles={role}, department=department) for name, (department, role) in PEOPLE.items()}
    submitted = submit(session, clock, people["周敏"], MINUTES, example(MINUTES.slug))
    review(session, clock, people["赵志强"], submitted.document, approve=True, comment="同意")
    distribute(session, clock, people["赵志强"], submitted.document)
    return submitted.document


def _signed_in(browser: Browser, base: str, user: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(user.employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return context, page


# How far the document as a whole is wider than the window.
SIDEWAYS = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
# Boxes that scroll sideways inside themselves, which a person must swipe to read, except the tables inside a
# regulation's own text and a box marked .scroll-x as meant to scroll (a chart wider than a phone, none yet).
INNER_SCROLLERS = """() => Array.from(document.querySelectorAll("body *")).filter(e => e.scrollWidth > e.clientWidth + 1
  && ["auto", "scroll"].includes(getComputedStyle(e).overflowX) && !e.closest(".scroll-x, .reg-body"))
  .map(e => e.tagName.toLowerCase() + "." + e.className.replace(/ /g, "."))"""


def test_every_page_as_every_role_at_laptop_and_phone_size(browser: Browser, server: dict[str, Any]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    phone_pages: set[str] = set()
    sideways: list[str] = []
    visits = 0
    for role in reversed(ORDER):
        user = server["users"][role]
        pages = pages_for(server["app"], role, server["values"], server["overrides"])
        for viewport, name in ((LAPTOP, "laptop"), (PHONE, "phone")):
            context, page = _signed_in(browser, server["url"], user, viewport)
            for endpoint, url in pages:
                if (role, endpoint) in server["refused"]:
                    continue
                answer = page.goto(server["url"] + url)
                assert answer is not None and answer.status < 500, (role, url, answer and answer.status)
                assert answer.status not in (401, 403), (role, url, answer.status)
                visits += 1
                page.screenshot(path=str(SHOTS / f"{endpoint.replace('.', '-')}-{role.value}-{name}.png"), full_page=True)
                if name == "phone":
                    phone_pages.add(endpoint)
                    if (wider := page.evaluate(SIDEWAYS)) > 1:
                        sideways.append(f"{url} as {role.value}: {wider}px wider than the phone")
                    if boxes := page.evaluate(INNER_SCROLLERS):
                        sideways.append(f"{url} as {role.value}: scrolls sideways inside {', '.join(boxes)}")
            context.close()
    seconds = time.monotonic() - started
    print(f"\nevery page: {visits} visits, {len(phone_pages)} pages at phone size, {seconds:.1f} s")
    assert not sideways, "at 390 px, pages a person must swipe sideways to read:\n" + "\n".join(sideways)
    assert len(phone_pages) >= 30 and visits > 2 * len(phone_pages)
