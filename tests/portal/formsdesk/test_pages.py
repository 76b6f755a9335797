"""The forms desk pages: list, blank and filled downloads, validation next to fields, drafts, departments."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from docx import Document as WordDocument
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.model import Document, Section, SectionKind, SourceRef
from forms.declarations import ALL_FORMS
from portal.formsdesk.models import FormDocument, FormDraft

from .conftest import as_post, example

Login = Callable[[str], FlaskClient]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_text(data: bytes) -> str:
    document = WordDocument(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def goal_rules() -> Document:
    """The published 营销中心目标管理制度, cut down to the clause the monthly plan cites."""
    item = Section(level=2, number="2、", title="", text="各部门要围绕公司营销目标和本部门的目标，认真组织月度“PDCA循环”。每月28日前制订下月目标。",
                   kind=SectionKind.ITEM, anchor="四-2")
    heading = Section(level=1, number="四、", title="营销目标的实施", text="", kind=SectionKind.HEADING, anchor="四", children=(item,))
    return Document(slug="营销中心目标管理制度", title="营销中心目标管理制度", kind="regulation", preamble="",
                    sections=(heading,), source=SourceRef("seed.txt", "0" * 64))


def test_the_list_shows_every_form_with_the_clause_that_requires_it(login: Login, publish: Callable[..., Any]) -> None:
    publish("2026.1", goal_rules())
    page = login("李晓梅").get("/forms/").get_data(as_text=True)
    for form in ALL_FORMS:
        assert form.title in page and form.description in page
        assert f'href="/forms/{form.slug}/fill"' in page
    clause = "/regulations/" + quote("营销中心目标管理制度") + "#" + quote("四-2")
    assert f'<a href="{clause}" title="各部门要围绕公司营销目标和本部门的目标' in page
    assert "》四、营销目标的实施 › 2、</a>" in page
    # A clause of a regulation the portal has not published is named, without a dead link.
    assert "《市场营销中心会议管理制度》三-4 <span class=\"meta\">（本制度尚未在门户发布）</span>" in page


def test_the_navigation_links_the_forms_desk(login: Login) -> None:
    assert 'href="/forms/"' in login("周敏").get("/forms/").get_data(as_text=True)


def test_a_blank_form_downloads_as_word(login: Login) -> None:
    response = login("周敏").get("/forms/goal-card/blank.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert "attachment" in response.headers["Content-Disposition"]
    assert "目标管理卡" in docx_text(response.data)


def test_an_unknown_form_is_not_found(login: Login) -> None:
    assert login("周敏").get("/forms/no-such-form/fill").status_code == 404


def test_the_web_form_carries_the_rules_for_the_browser(login: Login) -> None:
    page = login("李晓梅").get("/forms/sales-contract/fill").get_data(as_text=True)
    assert 'name="building_area"' in page and 'data-min="1"' in page and 'data-max="100000"' in page
    assert 'name="delivery_date"' in page and 'data-after="signed_on"' in page
    assert 'name="special_terms"' in page and 'maxlength="2000"' in page
    assert 'name="instalments-0-amount"' in page
    assert 'data-computed="area_times_price"' in page
    assert '<option value="李晓梅">' in page  # the roster as a datalist
    assert "/forms/formsdesk.js" in page


def test_a_filled_contract_is_submitted_and_downloaded(login: Login, session: Session) -> None:
    client = login("李晓梅")
    response = client.post("/forms/sales-contract/fill", data=as_post(example("sales-contract"), action="submit"))
    assert response.status_code == 302
    document = session.scalars(select(FormDocument)).one()
    assert document.number.startswith("HT-") and document.department == "销售管理部"
    assert response.headers["Location"].endswith(f"/forms/documents/{document.number}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "壹佰贰拾叁万肆仟壹佰柒拾陆元整" in page and "1,234,176.00" in page
    text = docx_text(client.get(f"/forms/documents/{document.number}.docx").data)
    assert "人民币壹佰贰拾叁万肆仟壹佰柒拾陆元整" in text and "张伟、刘静" in text


def test_the_filled_word_document_downloads_without_storing(login: Login, session: Session) -> None:
    response = login("李晓梅").post("/forms/sales-contract/fill", data=as_post(example("sales-contract"), action="download"))
    assert response.status_code == 200 and response.mimetype == DOCX
    assert "6-2-1201" in docx_text(response.data)
    assert count(session, FormDocument) == 0


def test_errors_are_shown_next_to_their_fields_and_nothing_is_stored(login: Login, session: Session) -> None:
    raw = example("sales-contract") | {"building_area": "-5", "delivery_date": "2026-01-01", "address": "=cmd|' /C calc'!A0"}
    response = login("李晓梅").post("/forms/sales-contract/fill", data=as_post(raw, action="submit"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="err-building_area" data-error-for="building_area">不能为负数。</p>' in page
    assert 'data-error-for="delivery_date">交房时间不能早于签约日期。</p>' in page
    assert "公式" in page
    assert 'value="-5"' in page  # what the user typed stays in the form
    assert count(session, FormDocument) == 0


def test_a_cell_error_lands_under_its_cell(login: Login) -> None:
    raw = example("meeting-minutes")
    raw["decisions"][1]["deadline"] = "2026-11-01"
    page = login("周敏").post("/forms/meeting-minutes/fill", data=as_post(raw, action="submit")).get_data(as_text=True)
    assert 'data-error-for="decisions-1-deadline">完成期限不能早于会议日期。</p>' in page


def test_people_must_be_in_the_roster(login: Login) -> None:
    raw = example("sales-contract") | {"sales_agent": "查无此人"}
    page = login("李晓梅").post("/forms/sales-contract/fill", data=as_post(raw, action="submit")).get_data(as_text=True)
    assert "员工名册中没有“查无此人”" in page


def test_a_hundred_thousand_characters_are_refused_even_for_a_draft(login: Login, session: Session) -> None:
    client = login("周敏")
    raw = example("meeting-minutes") | {"discussion": "长" * 100_000}
    for action in ("submit", "save"):
        page = client.post("/forms/meeting-minutes/fill", data=as_post(raw, action=action)).get_data(as_text=True)
        assert "最多10000个字，现为100000个字。" in page
    assert count(session, FormDocument) == 0 and count(session, FormDraft) == 0


def test_script_in_a_field_is_shown_as_text(login: Login) -> None:
    client = login("周敏")
    raw = example("meeting-minutes") | {"discussion": "<script>alert(1)</script>"}
    client.post("/forms/meeting-minutes/fill", data=as_post(raw, action="submit"))
    page = client.get("/forms/documents/HY-2026-0001").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_a_draft_is_saved_resumed_and_private(login: Login, session: Session) -> None:
    client = login("李晓梅")
    raw = {"customer_name": "张伟", "building_area": "128.56", "instalments": [{"term": "首付款", "amount": "1000"}]}
    response = client.post("/forms/sales-contract/fill", data=as_post(raw, action="save"))
    assert response.status_code == 302 and "draft=" in response.headers["Location"]
    draft = session.scalars(select(FormDraft)).one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="张伟"' in page and 'value="128.56"' in page and 'name="instalments-0-term" value="首付款"' in page
    assert f'name="draft_id" value="{draft.id}"' in page
    assert "继续填写" in client.get("/forms/").get_data(as_text=True)
    assert login("陈立").get(f"/forms/sales-contract/fill?draft={draft.id}").status_code == 404


def test_submitting_a_draft_removes_it(login: Login, session: Session) -> None:
    client = login("李晓梅")
    client.post("/forms/sales-contract/fill", data=as_post({"customer_name": "张伟"}, action="save"))
    draft = session.scalars(select(FormDraft)).one()
    response = client.post("/forms/sales-contract/fill", data=as_post(example("sales-contract"), action="submit", draft_id=str(draft.id)))
    assert response.status_code == 302
    assert count(session, FormDraft) == 0 and count(session, FormDocument) == 1


def test_a_draft_can_be_discarded(login: Login, session: Session) -> None:
    client = login("李晓梅")
    client.post("/forms/goal-card/fill", data=as_post({"owner": "陈立"}, action="save"))
    draft = session.scalars(select(FormDraft)).one()
    client.post("/forms/goal-card/fill", data={"action": "discard", "draft_id": str(draft.id)})
    assert count(session, FormDraft) == 0


def test_documents_are_listed_for_their_department_only(login: Login) -> None:
    manager = login("李晓梅")
    manager.post("/forms/monthly-goal-plan/fill", data=as_post(example("monthly-goal-plan"), action="submit"))
    listing = login("陈立").get("/forms/documents").get_data(as_text=True)  # same department (销售管理部)
    assert "MB-2026-0001" in listing and "月度目标与PDCA计划" in listing
    outsider = login("钱多多")
    assert "MB-2026-0001" not in outsider.get("/forms/documents").get_data(as_text=True)
    assert outsider.get("/forms/documents?department=销售管理部").status_code == 403
    assert outsider.get("/forms/documents/MB-2026-0001").status_code == 403
    assert outsider.get("/forms/documents/MB-2026-0001.docx").status_code == 403


def test_a_late_monthly_plan_is_accepted_with_a_reminder(login: Login) -> None:
    raw = example("monthly-goal-plan") | {"prepared_on": "2026-11-30"}
    page = login("李晓梅").post("/forms/monthly-goal-plan/fill", data=as_post(raw, action="submit"), follow_redirects=True).get_data(as_text=True)
    assert "已提交" in page and "28日前" in page
