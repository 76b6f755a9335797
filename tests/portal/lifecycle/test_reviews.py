"""Owners and review cycles, through the pages and the daily run, with the clock moved across a year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email import message_from_bytes
from email.policy import default
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.audit.models import AuditEvent
from portal.clock import FixedClock
from portal.lifecycle.daily import run_daily
from portal.lifecycle.models import RegulationCare, Review
from portal.releases.models import RegulationVersion
from portal.reminders.services import SmtpSettings
from tests.portal.conftest import PASSWORD, Inbox

# START is 2026-03-02; the 2026.1 texts take effect that day, so the first review is due 2027-03-02.
DUE = dt.date(2027, 3, 2)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC)  # 10:00 in Beijing, the same local day


@pytest.fixture
def office(session: Session, make_user: Callable[..., Any], publish: Callable[..., Any],
           document: Callable[..., Any]) -> dict[str, Any]:
    publish("2026.1", document("secrets", "保密管理制度", ["员工应保守商业秘密。"]),
            document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    return {
        "hr": make_user("何人事", roles={Role.HR}, department="人力资源部"),
        "owner": make_user("章法务", department="法务部", email="owner@example.cn"),
        "staff": make_user("甲一", department="销售部"),
    }


def signed_in(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD}).status_code == 302
    return client


def dashboard(client: FlaskClient) -> str:
    response = client.get("/hr/dashboard/")
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def set_owner(client: FlaskClient, slug: str, owner: Any, **fields: str) -> Any:
    data = {"owner_department": "法务部", "owner_employee_no": owner.employee_no, "review_months": "12",
            "reattest_months": "0", "min_reading_seconds": "0", **fields}
    return client.post(f"/hr/lifecycle/{slug}", data=data)


def test_hr_names_an_owner_and_the_page_shows_it(app: Flask, office: dict[str, Any], session: Session) -> None:
    hr = signed_in(app, office["hr"])
    response = set_owner(hr, "secrets", office["owner"], review_months="6")
    assert response.status_code == 302
    care = session.scalars(select(RegulationCare)).one()
    assert (care.owner_id, care.owner_department, care.review_months) == (office["owner"].id, "法务部", 6)
    page = signed_in(app, office["staff"]).get("/regulations/secrets").get_data(as_text=True)
    assert "归口部门 法务部 · 负责人 章法务 · 下次复审 2026-09-02" in page
    assert "复审本制度" not in page  # only its owner (and HR) review it
    assert "复审本制度" in signed_in(app, office["owner"]).get("/regulations/secrets").get_data(as_text=True)
    overview = hr.get("/hr/lifecycle").get_data(as_text=True)
    assert "章法务" in overview and "6 个月" in overview
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "care_saved")) == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({"review_months": "0"}, "复审周期须为 1 至 120 之间的整数。"),
    ({"review_months": "十二"}, "复审周期须为 1 至 120 之间的整数。"),
    ({"reattest_months": "-1"}, "重新确认周期须为 0 至 120 之间的整数。"),
    ({"owner_employee_no": "NOPE"}, "没有这个工号的在职账号。"),
    ({"owner_department": "不存在的部门"}, "请从列表中选择部门。"),
])
def test_a_bad_setting_is_refused_in_chinese(app: Flask, office: dict[str, Any], session: Session,
                                             fields: dict[str, str], message: str) -> None:
    response = set_owner(signed_in(app, office["hr"]), "secrets", office["owner"], **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session.scalars(select(RegulationCare)).first() is None


def test_the_owner_is_told_before_it_is_due_and_confirms_unchanged_without_a_new_version(
        make_app: Callable[..., Flask], office: dict[str, Any], session: Session, clock: FixedClock,
        smtp_server: tuple[Inbox, int]) -> None:
    app = make_app(SMTP_PORT=smtp_server[1])
    set_owner(signed_in(app, office["hr"]), "secrets", office["owner"])
    owner = signed_in(app, office["owner"])
    early = owner.post("/reviews/secrets", data={"outcome": "unchanged"})
    assert early.status_code == 400 and "尚未到复审时间：2027-01-31 起可复审。" in early.get_data(as_text=True)

    clock.at = at(dt.date(2027, 1, 30))
    smtp = SmtpSettings("127.0.0.1", smtp_server[1], sender="hr@example.cn")
    assert run_daily(session, clock, smtp, "https://handbook.example.cn").reviews_opened == 0
    clock.at = at(dt.date(2027, 1, 31))  # 30 days before the due date: the owner's task opens
    outcome = run_daily(session, clock, smtp, "https://handbook.example.cn")
    assert (outcome.reviews_opened, outcome.owners_mailed) == (2, 1)  # the other regulation has no owner to mail
    [envelope] = smtp_server[0].messages
    mail = message_from_bytes(envelope.content, policy=default)
    assert envelope.rcpt_tos == ["owner@example.cn"]
    assert "《保密管理制度》请于 2027-03-02 前完成复审" in str(mail["Subject"])
    assert "https://handbook.example.cn/my/reviews" in mail.get_content()
    assert run_daily(session, clock, smtp, "https://handbook.example.cn").reviews_opened == 0  # once only
    assert len(smtp_server[0].messages) == 1

    assert "您负责的制度有 1 项待复审" in owner.get("/my").get_data(as_text=True)
    assert "2027-03-02" in owner.get("/my/reviews").get_data(as_text=True)
    versions = session.scalar(select(func.count()).select_from(RegulationVersion))
    response = owner.post("/reviews/secrets", data={"outcome": "unchanged", "note": "经核对仍符合现行法规"})
    assert response.status_code == 302
    session.expire_all()
    review = session.scalars(select(Review).where(Review.due_on == DUE, Review.owner_id == office["owner"].id)).one()
    assert (review.outcome, review.decided_by_id, review.decided_at) == ("unchanged", office["owner"].id, clock.at.replace(tzinfo=None))
    assert session.scalar(select(func.count()).select_from(RegulationVersion)) == versions  # no new version
    page = owner.get("/reviews/secrets").get_data(as_text=True)
    assert "确认无需修订" in page and "经核对仍符合现行法规" in page
    assert "下次复审 2028-01-31" in owner.get("/regulations/secrets").get_data(as_text=True)  # 12 months from today
    assert "您负责的制度有" not in owner.get("/my").get_data(as_text=True)
    again = owner.post("/reviews/secrets", data={"outcome": "unchanged"})
    assert again.status_code == 400 and "尚未到复审时间" in again.get_data(as_text=True)


def test_an_overdue_review_is_flagged_for_hr_then_after_the_grace_period_for_every_reader(
        app: Flask, office: dict[str, Any], clock: FixedClock) -> None:
    hr = signed_in(app, office["hr"])
    set_owner(hr, "secrets", office["owner"])
    staff = signed_in(app, office["staff"])
    clock.at = at(DUE)
    assert "制度复审逾期" not in dashboard(hr)
    clock.at = at(DUE + dt.timedelta(days=1))
    assert "有 2 项制度复审逾期" in dashboard(hr)
    assert "本制度已超过复审期限" not in staff.get("/regulations/secrets").get_data(as_text=True)
    clock.at = at(DUE + dt.timedelta(days=31))  # the default grace period is 30 days
    page = staff.get("/regulations/secrets").get_data(as_text=True)
    assert "本制度已超过复审期限" in page and "请联系负责人 章法务" in page
    owner = signed_in(app, office["owner"])
    assert owner.post("/reviews/secrets", data={"outcome": "revising", "note": ""}).status_code == 400  # says what
    assert owner.post("/reviews/secrets", data={"outcome": "revising", "note": "第一条需补充"}).status_code == 302
    assert "本制度已超过复审期限" in staff.get("/regulations/secrets").get_data(as_text=True)  # until revised or confirmed
    assert "有 1 项制度复审逾期" in dashboard(hr)  # the decided one no longer counts
    assert owner.post("/reviews/secrets", data={"outcome": "unchanged"}).status_code == 302
    assert "本制度已超过复审期限" not in staff.get("/regulations/secrets").get_data(as_text=True)


def test_a_new_version_starts_a_new_cycle(app: Flask, office: dict[str, Any], clock: FixedClock,
                                          publish: Callable[..., Any], document: Callable[..., Any]) -> None:
    set_owner(signed_in(app, office["hr"]), "secrets", office["owner"])
    clock.at = at(dt.date(2027, 2, 10))
    publish("2027.1", document("secrets", "保密管理制度", ["员工应保守商业秘密和客户信息。"]),
            document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    page = signed_in(app, office["staff"]).get("/regulations/secrets").get_data(as_text=True)
    assert "下次复审 2028-02-10" in page


def test_only_the_owner_and_hr_open_a_review(app: Flask, office: dict[str, Any]) -> None:
    set_owner(signed_in(app, office["hr"]), "secrets", office["owner"])
    assert signed_in(app, office["staff"]).get("/reviews/secrets").status_code == 404
    assert signed_in(app, office["staff"]).post("/reviews/secrets", data={"outcome": "unchanged"}).status_code == 404
    assert signed_in(app, office["owner"]).get("/reviews/secrets").status_code == 200
    assert signed_in(app, office["hr"]).get("/reviews/secrets").status_code == 200
    assert signed_in(app, office["staff"]).get("/hr/lifecycle").status_code == 403
