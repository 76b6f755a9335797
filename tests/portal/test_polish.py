"""The rough edges a person notices: wording of overdue notices, the 403 page by role, Chinese badges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.access import Role
from portal.assignments.models import Assignment
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock


def test_an_overdue_notice_says_the_deadline_has_passed_instead_of_asking_to_sign_before_it(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session, clock: FixedClock,
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    user = make_user("迟到")
    login(user)
    assert "前阅读并签署本制度" in client.get("/regulations/sales").get_data(as_text=True)
    session.execute(update(Assignment).values(due_on=clock.today() - dt.timedelta(days=3)))
    session.commit()
    page = client.get("/regulations/sales").get_data(as_text=True)
    past = (clock.today() - dt.timedelta(days=3)).isoformat()
    assert f"签署截止日期 {past} 已过，请尽快阅读并签署本制度" in page
    assert f"请在 {past} 前" not in page
    mine = client.get("/my").get_data(as_text=True)
    assert "已逾期" in mine and "OVERDUE" not in mine


def test_the_forbidden_page_sends_employees_to_hr_and_hr_to_the_administrator(
    make_app: Callable[..., Any], make_user: Callable[..., Any],
) -> None:
    app = make_app()
    for roles, expected, not_expected in (({Role.EMPLOYEE}, "请联系人力资源部", "系统管理员"),
                                          ({Role.HR}, "请联系系统管理员", "人力资源部")):
        user = make_user(roles=roles)
        client = app.test_client()
        client.post("/login", data={"employee_no": user.employee_no, "password": "correct-horse-42"})
        page = client.get("/admin/audit")
        text = page.get_data(as_text=True)
        assert page.status_code == 403 and expected in text and not_expected not in text


def test_hr_and_administrators_land_on_the_dashboard_and_everyone_else_on_their_handbook(
    make_app: Callable[..., Any], make_user: Callable[..., Any],
) -> None:
    app = make_app()
    for roles, home in (({Role.HR}, "/hr/dashboard/"), ({Role.ADMIN}, "/hr/dashboard/"), ({Role.EMPLOYEE}, "/my"),
                        ({Role.MANAGER}, "/my")):
        user = make_user(roles=roles)
        client = app.test_client()
        answer = client.post("/login", data={"employee_no": user.employee_no, "password": "correct-horse-42"})
        assert answer.headers["Location"] == home, roles
        assert client.get("/login").headers["Location"] == home
        asked = app.test_client().post("/login?next=/regulations/", data={"employee_no": user.employee_no,
                                                                           "password": "correct-horse-42"})
        assert asked.headers["Location"] == "/regulations/"  # a page asked for still wins


def test_the_favicon_is_a_real_icon_linked_from_every_page(client: FlaskClient, login: Callable[..., Any],
                                                             make_user: Callable[..., Any]) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00" and b"PNG" in icon.data[:40]  # an ICO holding a PNG image
    assert '<link rel="icon" href="/favicon.ico">' in client.get("/login").get_data(as_text=True)
    login(make_user("张三", must_change_password=True))
    assert client.get("/favicon.ico").status_code == 200  # not sent to the password form either
