"""A manager fills the contract form in chromium, fixes what the checks point out, and downloads the Word file.

The portal runs in a thread on loopback with CSRF on, as in production;
the browser may reach nothing but 127.0.0.1 (no CDN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright

from portal.auth.models import User
from tests.browser import launch_chromium, serving

from .conftest import PASSWORD
from .test_pages import docx_text

pytestmark = [pytest.mark.slow, pytest.mark.browser]



@pytest.fixture
def base_url(make_app: Callable[..., Flask], people: dict[str, User]) -> Iterator[str]:
    app = make_app(WTF_CSRF_ENABLED=True, TESTING=False)
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


def signed_in_page(browser: Browser, base_url: str, employee_no: str) -> Page:
    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page.goto(f"{base_url}/login")
    page.fill("[name=employee_no]", employee_no)
    page.fill("[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def test_a_manager_fills_fixes_and_downloads_the_contract(browser: Browser, base_url: str, people: dict[str, User], tmp_path: Path) -> None:
    page = signed_in_page(browser, base_url, people["李晓梅"].employee_no)
    page.goto(f"{base_url}/forms/")
    page.locator(".fd-form-item", has_text="销售合同与客户档案").get_by_role("link", name="在线填写").click()
    expect(page.get_by_role("heading", name="销售合同与客户档案")).to_be_visible()

    fields = {
        "archive_no": "KH-2026-0158", "contract_no": "SHJY-2026-0158", "project": "双和佳苑",
        "customer_name": "张伟、刘静", "phone": "13812345678", "address": "北京市朝阳区望京西路18号院3号楼502",
        "room_no": "6-2-1201", "building_area": "-128.56", "inner_area": "130", "unit_price": "9600",
        "signed_on": "2026-11-18", "delivery_date": "2028-06-30", "special_terms": "买受人选用精装修标准二。",
        "sales_agent": "刘芳", "manager": "李晓梅",
    }
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.select_option("[name=payment_method]", "组合贷款")
    page.fill("[name=instalments-0-term]", "首付款")
    page.fill("[name=instalments-0-amount]", "370052.80")
    page.fill("[name=instalments-0-due]", "2026-11-20")
    page.click("[data-table=instalments] [data-add-row]")
    page.fill("[name=instalments-1-term]", "公积金贷款")
    page.fill("[name=instalments-1-amount]", "864123.20")
    page.fill("[name=instalments-1-due]", "2026-12-31")
    page.fill("[name=attachments-0-name]", "认购书")
    page.fill("[name=attachments-0-copies]", "1")

    # The browser stops a negative area before anything is sent.
    page.get_by_role("button", name="提交").click()
    expect(page.locator("[data-error-for=building_area]")).to_have_text("不能为负数。")
    assert page.url.endswith("/forms/sales-contract/fill")

    # Fixed; the preview computes the total and its capitals.
    page.fill("[name=building_area]", "128.56")
    expect(page.locator("output#total_price")).to_have_text("1,234,176.00")
    expect(page.locator("output#total_price_words")).to_have_text("人民币壹佰贰拾叁万肆仟壹佰柒拾陆元整")

    # The server finds what the browser cannot: the inner area is larger than the building area.
    page.get_by_role("button", name="提交").click()
    expect(page.locator("[data-error-for=inner_area]")).to_have_text("套内面积不能大于建筑面积。")
    expect(page.locator("#form-message")).to_contain_text("提交的内容有误")
    expect(page.locator("[name=instalments-1-term]")).to_have_value("公积金贷款")  # nothing typed is lost

    page.fill("[name=inner_area]", "103.2")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="生成 Word 文档").click()
    download = download_info.value
    assert download.suggested_filename == "销售合同与客户档案.docx"
    saved = tmp_path / "contract.docx"
    download.save_as(saved)
    text = docx_text(saved.read_bytes())
    assert "人民币壹佰贰拾叁万肆仟壹佰柒拾陆元整" in text
    assert "6-2-1201" in text and "公积金贷款" in text and "捌拾陆万肆仟壹佰贰拾叁元贰角整" in text

    page.get_by_role("button", name="提交").click()
    expect(page.locator("#doc-status")).to_have_text("已提交")
    assert "/forms/documents/HT-" in page.url
    page.screenshot(path=str(tmp_path / "document.png"), full_page=True)
