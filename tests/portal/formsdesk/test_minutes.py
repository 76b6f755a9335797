"""The minutes workflow by role: recorder submits, chair signs or returns, distribution, receipts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.clock import FixedClock
from portal.formsdesk.models import DocumentEvent, FormDocument, FormDraft, MinutesRecipient

from .conftest import as_post, example

Login = Callable[[str], FlaskClient]
NUMBER = "HY-2026-0001"
PAGE = f"/forms/documents/{NUMBER}"


def submit_minutes(login: Login) -> FlaskClient:
    recorder = login("周敏")
    response = recorder.post("/forms/meeting-minutes/fill", data=as_post(example("meeting-minutes"), action="submit"))
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    return recorder


def document(session: Session) -> FormDocument:
    session.expire_all()
    return session.scalars(select(FormDocument).where(FormDocument.number == NUMBER)).one()


def events(session: Session) -> list[str]:
    return [e.kind for e in session.scalars(select(DocumentEvent).order_by(DocumentEvent.id))]


def test_submitted_minutes_wait_for_the_chair(login: Login, session: Session) -> None:
    submit_minutes(login)
    minutes = document(session)
    assert minutes.status == "submitted" and minutes.department == "营销管理中心"
    chair = login("赵志强")
    assert "待您审核签署" in chair.get("/forms/").get_data(as_text=True)
    page = chair.get(PAGE).get_data(as_text=True)
    assert "审核通过并签署" in page and "退回修改" in page
    assert "审核通过并签署" not in login("周敏").get(PAGE).get_data(as_text=True)


def test_only_the_chair_may_sign(login: Login, session: Session) -> None:
    recorder = submit_minutes(login)
    assert recorder.post(f"{PAGE}/review", data={"decision": "sign"}).status_code == 403
    assert login("王建国").post(f"{PAGE}/review", data={"decision": "sign"}).status_code == 403
    assert document(session).status == "submitted"


def test_the_chair_signs_and_the_signature_reaches_the_document(login: Login, session: Session, clock: FixedClock) -> None:
    submit_minutes(login)
    clock.advance(dt.timedelta(hours=2))
    chair = login("赵志强")
    assert chair.post(f"{PAGE}/review", data={"decision": "sign", "comment": "同意"}).status_code == 302
    minutes = document(session)
    assert minutes.status == "signed" and minutes.signed_at == dt.datetime(2026, 3, 2, 11, 0)
    from .test_pages import docx_text

    text = docx_text(chair.get(f"{PAGE}.docx").data)
    assert "主持人审核签署：赵志强" in text and "签署日期：2026年3月2日" in text
    assert chair.post(f"{PAGE}/review", data={"decision": "sign"}).status_code == 302  # a second time is refused
    assert events(session) == ["submitted", "signed"]


def test_returning_needs_a_comment_and_hands_a_draft_back(login: Login, session: Session) -> None:
    recorder = submit_minutes(login)
    chair = login("赵志强")
    chair.post(f"{PAGE}/review", data={"decision": "return", "comment": ""})
    assert document(session).status == "submitted"
    chair.post(f"{PAGE}/review", data={"decision": "return", "comment": "请补充第二项决议的完成标准。"})
    assert document(session).status == "returned"
    draft = session.scalars(select(FormDraft)).one()
    assert draft.document_id == document(session).id
    page = recorder.get(PAGE).get_data(as_text=True)
    assert "请补充第二项决议的完成标准。" in page and "按意见修改纪要" in page
    assert "主持人已退回" in recorder.get("/forms/").get_data(as_text=True)
    raw = example("meeting-minutes")
    raw["decisions"][1]["item"] = "开展老带新活动，目标新增来访100组，12月20日前书面汇报"
    response = recorder.post("/forms/meeting-minutes/fill", data=as_post(raw, action="submit", draft_id=str(draft.id)))
    assert response.headers["Location"].endswith(PAGE)
    minutes = document(session)
    assert minutes.status == "submitted" and minutes.revision == 2
    assert session.scalars(select(FormDocument)).all() == [minutes]
    assert events(session) == ["submitted", "returned", "resubmitted"]


def test_distribution_needs_the_signature_and_reaches_the_attendees(login: Login, session: Session, clock: FixedClock) -> None:
    recorder = submit_minutes(login)
    recorder.post(f"{PAGE}/distribute")
    assert document(session).status == "submitted"
    login("赵志强").post(f"{PAGE}/review", data={"decision": "sign"})
    assert login("陈立").post(f"{PAGE}/distribute").status_code == 403
    clock.advance(dt.timedelta(minutes=30))
    recorder.post(f"{PAGE}/distribute")
    minutes = document(session)
    assert minutes.status == "distributed"
    names = {r.user_id for r in session.scalars(select(MinutesRecipient))}
    assert len(names) == 5  # 赵志强、王建国、李晓梅、陈立、周敏 (孙浩 was absent)


def test_attendees_confirm_receipt_with_a_timestamp(login: Login, session: Session, clock: FixedClock) -> None:
    recorder = submit_minutes(login)
    login("赵志强").post(f"{PAGE}/review", data={"decision": "sign"})
    recorder.post(f"{PAGE}/distribute")
    attendee = login("陈立")  # 销售管理部: sees the minutes because they reached him
    assert "请阅读并确认收到" in attendee.get("/forms/").get_data(as_text=True)
    clock.advance(dt.timedelta(days=1))
    assert attendee.post(f"{PAGE}/confirm").status_code == 302
    page = recorder.get(PAGE).get_data(as_text=True)
    # 09:00 UTC, shown in the default zone (Asia/Shanghai)
    assert "2026-03-03 17:00:00" in page and "未确认" in page
    assert events(session)[-1] == "confirmed"
    logged = {(e.action, e.ip) for e in session.scalars(select(AuditEvent).where(AuditEvent.target == NUMBER))}
    assert {("minutes_signed", "127.0.0.1"), ("minutes_distributed", "127.0.0.1"), ("minutes_confirmed", "127.0.0.1"),
            ("form_submitted", "127.0.0.1")} <= logged
    assert login("孙浩").post(f"{PAGE}/confirm").status_code == 403  # absent: not distributed to him
    attendee.post(f"{PAGE}/confirm")
    assert events(session).count("confirmed") == 1


def test_the_minutes_page_shows_every_step_with_its_time(login: Login, clock: FixedClock) -> None:
    recorder = submit_minutes(login)
    clock.advance(dt.timedelta(hours=1))
    login("赵志强").post(f"{PAGE}/review", data={"decision": "sign"})
    clock.advance(dt.timedelta(hours=1))
    recorder.post(f"{PAGE}/distribute")
    page = recorder.get(PAGE).get_data(as_text=True)
    for stamp, step in (("2026-03-02 17:00:00", "提交"), ("2026-03-02 18:00:00", "主持人审核签署"), ("2026-03-02 19:00:00", "分发给参会人员")):
        assert f"<time>{stamp}</time> <strong>{step}</strong>" in page


def test_people_outside_the_meeting_and_its_department_cannot_see_it(login: Login) -> None:
    submit_minutes(login)
    assert login("钱多多").get(PAGE).status_code == 403
    assert login("孙浩").get(PAGE).status_code == 403  # absent, another department, nothing distributed


def test_a_chair_who_is_not_in_the_roster_is_refused(login: Login) -> None:
    raw = example("meeting-minutes") | {"chair": "外部嘉宾"}
    page = login("周敏").post("/forms/meeting-minutes/fill", data=as_post(raw, action="submit")).get_data(as_text=True)
    assert 'data-error-for="chair">员工名册中没有“外部嘉宾”' in page
