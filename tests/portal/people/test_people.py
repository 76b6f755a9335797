"""People in the browser: every field edited, a transfer moves assignments (old ones kept in history),
leaving deactivates, a roster is previewed then applied; all audited with the address."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.assignments.models import Assignment, AssignmentHistory
from portal.assignments.services import NewRule, add_rule, assignment_history
from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.auth.roster import preview_roster
from portal.auth.services import Profile, update_profile
from portal.clock import FixedClock
from portal.releases.models import Regulation


def _world(session: Session, clock: FixedClock, publish: Callable[..., Any], document: Callable[..., Any]) -> dict[str, int]:
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]), document("finance", "财务管理制度", ["乙。"]),
            document("all", "员工守则", ["丙。"]))
    ids = {r.slug: r.id for r in session.scalars(select(Regulation)).all()}
    add_rule(session, clock, NewRule("department", "销售部", ids["sales"], 30))
    add_rule(session, clock, NewRule("department", "财务部", ids["finance"], 30))
    add_rule(session, clock, NewRule("all", "", ids["all"], 30))
    session.commit()
    return ids


def _assigned(session: Session, user_id: int) -> set[int]:
    return set(session.scalars(select(Assignment.regulation_id).where(Assignment.user_id == user_id)).all())


def test_a_transfer_adds_the_new_departments_rules_and_keeps_the_old_ones_in_history(
    session: Session, clock: FixedClock, make_user: Callable[..., User], publish: Callable[..., Any],
    document: Callable[..., Any],
) -> None:
    ids = _world(session, clock, publish, document)
    person = make_user("张伟", department="销售部")
    assert _assigned(session, person.id) == {ids["sales"], ids["all"]}
    changes = update_profile(session, clock, person, Profile(person.name, person.email, "财务部", "会计", person.hire_date),
                             actor=None, ip="10.0.0.7")
    session.commit()
    assert [c.field for c in changes] == ["department", "position"]
    assert _assigned(session, person.id) == {ids["finance"], ids["all"]}
    history = assignment_history(session, person.id)
    assert [(h.regulation_id, h.department, h.reason, h.signed) for h in history] == [(ids["sales"], "销售部", "transfer", False)]
    entries = session.scalars(select(AuditEvent).where(AuditEvent.action == "user_transferred")).all()
    assert [(e.detail, e.ip) for e in entries] == [("销售部 → 财务部", "10.0.0.7")]


def test_editing_without_a_department_change_moves_no_assignment(
    session: Session, clock: FixedClock, make_user: Callable[..., User], publish: Callable[..., Any],
    document: Callable[..., Any],
) -> None:
    _world(session, clock, publish, document)
    person = make_user("李娜", department="销售部")
    before = _assigned(session, person.id)
    update_profile(session, clock, person, Profile("李娜娜", "lina@example.com", "销售部", "主管", dt.date(2025, 1, 1)), actor=None)
    session.commit()
    assert _assigned(session, person.id) == before
    assert session.scalars(select(AssignmentHistory)).all() == []
    assert (person.name, person.email, person.position, person.hire_date) == ("李娜娜", "lina@example.com", "主管", dt.date(2025, 1, 1))


def test_a_new_hire_gets_the_new_hire_deadline_not_the_rules(
    session: Session, clock: FixedClock, make_user: Callable[..., User], publish: Callable[..., Any],
    document: Callable[..., Any],
) -> None:
    _world(session, clock, publish, document)
    hire = make_user("新人", department="销售部", hire_date=clock.today())
    veteran = make_user("老人", department="销售部", hire_date=dt.date(2020, 1, 1))
    due = {u.id: set(session.scalars(select(Assignment.due_on).where(Assignment.user_id == u.id)).all()) for u in (hire, veteran)}
    assert due[hire.id] == {clock.today() + dt.timedelta(days=14)}
    assert due[veteran.id] == {clock.today() + dt.timedelta(days=30)}


def _roster(text: str) -> list[list[str]]:
    import csv

    return [list(r) for r in csv.reader(io.StringIO(text))]


def test_a_roster_preview_tells_new_invalid_present_and_changed_apart(
    session: Session, make_user: Callable[..., User],
) -> None:
    make_user("王芳", employee_no="E0100", department="销售部")
    make_user("赵强", employee_no="E0101", department="销售部")
    rows = _roster("工号,姓名,部门\nE0100,王芳,销售部\nE0101,赵强,财务部\nE0200,孙丽,财务部\n,无工号,财务部\n")
    preview = preview_roster(session, rows)
    assert [r.user.employee_no for r in preview.valid] == ["E0200"]
    assert [r.user.employee_no for r in preview.existing] == ["E0100"]
    assert [(c.user.employee_no, [x.text() for x in c.changes]) for c in preview.changed] == [("E0101", ["部门：销售部 → 财务部"])]
    assert [(b.line, b.employee_no) for b in preview.invalid] == [(5, "")]


# --- through the pages ---


def test_hr_edits_every_field_and_a_transfer_shows_on_the_persons_page(
    client: FlaskClient, session: Session, clock: FixedClock, make_user: Callable[..., User],
    login: Callable[[User], Any], publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    _world(session, clock, publish, document)
    hr = make_user("人事", roles={Role.HR}, department="人力资源部")
    person = make_user("张伟", department="销售部")
    login(hr)
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "销售管理制度" in page and "财务管理制度" not in page
    answer = client.post(f"/admin/users/{person.id}", data={
        "name": "张伟", "email": "zw@example.com", "department": "财务部", "position": "会计",
        "hire_date": "2024-05-06", "roles": ["employee"], "active": "y",
    }, environ_base={"REMOTE_ADDR": "10.1.2.3"}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "部门：销售部 → 财务部" in page
    _, _, rest = page.partition("<h2>当前签署任务")
    current, _, past = rest.partition("<h2>历史任务")
    assert "财务管理制度" in current and "销售管理制度" not in current
    assert "销售管理制度" in past and "已调岗" in past
    session.expire_all()
    stored = session.get(User, person.id)
    assert stored is not None
    assert (stored.email, stored.position, stored.hire_date) == ("zw@example.com", "会计", dt.date(2024, 5, 6))
    ips = set(session.scalars(select(AuditEvent.ip).where(AuditEvent.action.in_(["user_updated", "user_transferred"]))).all())
    assert ips == {"10.1.2.3"}


def test_hr_cannot_grant_privileges_nor_edit_an_administrator(
    client: FlaskClient, session: Session, make_user: Callable[..., User], login: Callable[[User], Any],
) -> None:
    hr = make_user("人事", roles={Role.HR}, department="人力资源部")
    person = make_user("张伟", department="销售部")
    admin = make_user("管理员", roles={Role.ADMIN}, department="信息部")
    login(hr)
    client.post(f"/admin/users/{person.id}", data={"name": "张伟", "department": "销售部", "roles": ["employee", "admin", "hr"],
                                                   "active": "y"})
    session.expire_all()
    stored = session.get(User, person.id)
    assert stored is not None and stored.roles == frozenset({Role.EMPLOYEE})
    assert client.get(f"/admin/users/{admin.id}").status_code == 403


def test_leaving_deactivates_and_ends_the_persons_sessions(
    app: Any, client: FlaskClient, session: Session, make_user: Callable[..., User], login: Callable[[User], Any],
) -> None:
    hr = make_user("人事", roles={Role.HR}, department="人力资源部")
    person = make_user("张伟", department="销售部")
    other = app.test_client()
    other.post("/login", data={"employee_no": person.employee_no, "password": "correct-horse-42"})
    assert other.get("/my").status_code == 200
    login(hr)
    client.post(f"/admin/users/{person.id}", data={"name": "张伟", "department": "销售部", "roles": ["employee"]})
    session.expire_all()
    stored = session.get(User, person.id)
    assert stored is not None and stored.active is False
    assert other.get("/my").status_code in (302, 303)
    entry = session.scalars(select(AuditEvent).where(AuditEvent.detail == "停用账号（离职）")).one()
    assert entry.actor_id == hr.id


def test_a_bad_email_is_refused_in_chinese_and_nothing_changes(
    client: FlaskClient, session: Session, make_user: Callable[..., User], login: Callable[[User], Any],
) -> None:
    hr = make_user("人事", roles={Role.HR}, department="人力资源部")
    person = make_user("张伟", department="销售部")
    login(hr)
    answer = client.post(f"/admin/users/{person.id}", data={"name": "张伟", "email": "not-an-email", "department": "财务部",
                                                             "roles": ["employee"], "active": "y"})
    assert answer.status_code == 200 and "邮箱格式不正确" in answer.get_data(as_text=True)
    session.expire_all()
    stored = session.get(User, person.id)
    assert stored is not None and stored.department == "销售部"


def test_hr_uploads_a_roster_sees_the_preview_and_applies_it(
    client: FlaskClient, session: Session, make_user: Callable[..., User], login: Callable[[User], Any],
) -> None:
    hr = make_user("人事", roles={Role.HR}, department="人力资源部")
    make_user("赵强", employee_no="E0101", department="销售部")
    login(hr)
    data = "工号,姓名,部门,入职日期\nE0101,赵强,财务部,\nE0200,孙丽,财务部,2026-03-01\nE0201,周杰,销售部,2026-13-40\n".encode("gb18030")
    answer = client.post("/admin/users/import", data={"roster": (io.BytesIO(data), "名单.csv")},
                         content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "第 4 行" in page and "入职日期无法识别" in page
    assert "孙丽" in page and "部门：销售部 → 财务部" in page
    assert session.scalar(select(User).where(User.employee_no == "E0200")) is None  # only a preview
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    answer = client.post("/admin/users/import/apply", data={"token": token, "filename": "名单.csv"},
                         environ_base={"REMOTE_ADDR": "10.9.8.7"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "已新建 1 个账号，更新 1 个账号" in page
    session.expire_all()
    assert session.scalar(select(User.department).where(User.employee_no == "E0101")) == "财务部"
    created = session.scalar(select(User).where(User.employee_no == "E0200"))
    assert created is not None and created.hire_date == dt.date(2026, 3, 1)
    entry = session.scalars(select(AuditEvent).where(AuditEvent.action == "roster_imported")).one()
    assert entry.ip == "10.9.8.7" and "新建 1 人" in entry.detail
    # the token is spent: applying twice creates nothing more
    again = client.post("/admin/users/import/apply", data={"token": token, "filename": "名单.csv"}, follow_redirects=True)
    assert "已失效" in again.get_data(as_text=True)


def test_a_roster_that_is_not_a_workbook_is_refused_in_chinese(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[[User], Any],
) -> None:
    login(make_user("人事", roles={Role.HR}, department="人力资源部"))
    answer = client.post("/admin/users/import", data={"roster": (io.BytesIO(b"not a zip"), "x.xlsx")},
                         content_type="multipart/form-data")
    assert answer.status_code == 200 and "无法读取该 XLSX 文件" in answer.get_data(as_text=True)


def test_a_rule_added_after_the_account_still_gives_a_new_hire_the_new_hire_deadline(
    session: Session, clock: FixedClock, make_user: Callable[..., User], publish: Callable[..., Any],
    document: Callable[..., Any],
) -> None:
    hire = make_user("新人", department="销售部", hire_date=clock.today() - dt.timedelta(days=2))  # as the demo does
    _world(session, clock, publish, document)
    assert set(session.scalars(select(Assignment.due_on).where(Assignment.user_id == hire.id)).all()) == {
        clock.today() + dt.timedelta(days=14)  # the new-hire days from today (never before the hire date), not the rule's 30
    }
