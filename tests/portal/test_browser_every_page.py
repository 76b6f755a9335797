"""Every page of the route table, as each role that may open it, at laptop and phone size, in chromium.

Each role signs in and visits every GET page its declaration allows (files, exports and JSON are not
pages); the guards of tests/browser.py fail the test on a console error or an English UI word. Screenshots
go to test-artifacts/screenshots/every-page/ (laptop for each role, phone once per page, as the most
privileged role that sees it) for a person to look at.
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
from sqlalchemy.orm import Session

from portal.access import Role, access_of
from portal.clock import FixedClock
from tests.browser import launch_chromium, serving
from tests.portal.conftest import PASSWORD
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


def pages_for(app: Flask, role: Role, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET page the role's declaration allows."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        access = access_of(app.view_functions[rule.endpoint]) if rule.endpoint != "static" else None
        if access is None or "GET" not in (rule.methods or ()) or NOT_PAGES.search(rule.rule) or access.anonymous:
            continue
        if not access.roles or role == Role.ADMIN or role in access.roles:
            found.append((rule.endpoint, _url(rule, values)))
    return found


@pytest.fixture
def server(record_signer: Any, make_app: Callable[..., Flask], session: Session, clock: FixedClock,
           make_user: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    world = build_world(record_signer, session, clock, make_user, publish, document)
    clock.advance(dt.timedelta(minutes=1))
    app = make_app()
    with serving(app) as url:
        yield {"url": url, "app": app, **world}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def _signed_in(browser: Browser, base: str, user: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("工号").fill(user.employee_no)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return context, page


def test_every_page_as_every_role_at_laptop_and_phone_size(browser: Browser, server: dict[str, Any]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    phone_done: set[str] = set()
    visits = 0
    for role in reversed(ORDER):  # most privileged first: its phone screenshot is the fullest page
        user = server["users"][role]
        pages = pages_for(server["app"], role, server["values"])
        for viewport, name in ((LAPTOP, "laptop"), (PHONE, "phone")):
            context, page = _signed_in(browser, server["url"], user, viewport)
            for endpoint, url in pages:
                if name == "phone" and endpoint in phone_done:
                    continue
                answer = page.goto(server["url"] + url)
                assert answer is not None and answer.status < 500, (role, url, answer and answer.status)
                assert answer.status not in (401, 403), (role, url, answer.status)
                visits += 1
                page.screenshot(path=str(SHOTS / f"{endpoint.replace('.', '-')}-{role.value}-{name}.png"))
                if name == "phone":
                    phone_done.add(endpoint)
            context.close()
    seconds = time.monotonic() - started
    print(f"\nevery page: {visits} visits, {len(phone_done)} pages at phone size, {seconds:.1f} s")
    assert len(phone_done) >= 30 and visits > len(phone_done)
