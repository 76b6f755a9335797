"""The versioned site in a real browser: version selector and outdated banner (Material's JavaScript)."""

from __future__ import annotations

import functools
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser import launch_chromium

pytestmark = [pytest.mark.slow, pytest.mark.browser]



class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(two_release_project: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(two_release_project / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


def open_page(browser: Browser, url: str) -> Any:
    page = browser.new_context().new_page()
    # Only loopback: anything else (CDN scripts) is refused, as on the intranet.
    page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page.goto(url)
    page.wait_for_selector(".md-version__current", timeout=10_000)
    return page


def test_old_release_shows_the_outdated_banner(browser: Browser, base_url: str) -> None:
    page = open_page(browser, f"{base_url}/2026.1/regulations/meeting-rules/")
    banner = page.locator("[data-md-component=outdated]")
    banner.wait_for(state="visible", timeout=10_000)
    assert "不是现行版本" in banner.inner_text()


def test_latest_release_has_no_banner_and_lists_both_versions(browser: Browser, base_url: str) -> None:
    page = open_page(browser, f"{base_url}/latest/regulations/meeting-rules/")
    assert page.locator(".md-version__current").inner_text().startswith("2026.2")
    titles = page.locator(".md-version__item").all_inner_texts()
    assert [t.strip() for t in titles] == ["2026.2 2026 年第二版", "2026.1 2026 年第一版"]
    assert page.locator("[data-md-component=outdated]").is_hidden()


def test_site_root_redirect_lands_on_the_clause(browser: Browser, base_url: str) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{base_url}/index.html#x")
    page.wait_for_url("**/latest/#x", timeout=10_000)
    page.goto(f"{base_url}/latest/regulations/meeting-rules/#第十条")
    assert page.locator("#第十条").is_visible()


def test_printed_page_is_a4_without_site_chrome(browser: Browser, base_url: str, tmp_path: Path) -> None:
    page = open_page(browser, f"{base_url}/2026.1/regulations/meeting-rules/")
    page.locator("[data-md-component=outdated]").wait_for(state="visible", timeout=10_000)
    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=False)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "市场营销中心会议管理制度" in text and "第十条" in text
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", text)  # page numbers from the @page margin box
    for chrome in ("不是现行版本", "岗位说明书", "组织架构", "搜索"):
        assert chrome not in text
