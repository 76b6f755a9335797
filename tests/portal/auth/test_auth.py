"""Accounts and security: login, forced password change, redirects, CSRF, cookies, roster."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.assignments.models import Assignment
from portal.assignments.services import NewRule, add_rule
from portal.auth.models import User
from portal.auth.roster import parse_roster, preview_roster
from portal.clock import FixedClock
from portal.web import safe_next

PASSWORD = "correct-horse-42"


def test_login_with_a_wrong_password_is_refused_in_chinese(client: FlaskClient, make_user: Callable[..., Any]) -> None:
    user = make_user("张三")
    response = client.post("/login", data={"employee_no": user.employee_no, "password": "nope"})
    assert response.status_code == 200 and "工号或密码不正确" in response.get_data(as_text=True)


def test_first_login_forces_a_password_change_before_anything_else(
    client: FlaskClient, make_user: Callable[..., Any], session: Session
) -> None:
    user = make_user("新人", must_change_password=True)
    response = client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD})
    assert "/account/password" in response.headers["Location"]
    assert "/account/password" in client.get("/my").headers["Location"]
    weak = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"})
    assert "新密码至少 8 位" in weak.get_data(as_text=True)
    done = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "a-new-secret-9", "confirm": "a-new-secret-9"})
    assert done.status_code == 302
    assert client.get("/my").status_code == 200
    session.expire_all()
    assert session.get(User, user.id).must_change_password is False  # type: ignore[union-attr]


def test_password_change_ends_other_sessions(make_app: Callable[..., Any], make_user: Callable[..., Any]) -> None:
    app = make_app()
    user = make_user("张三")
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD})
    first.post("/account/password", data={"current_password": PASSWORD, "new_password": "another-secret-7", "confirm": "another-secret-7"})
    assert first.get("/my").status_code == 200
    assert "/login" in second.get("/my").headers["Location"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/regulations/sales#第三条", "/regulations/sales#第三条"),
        ("https://evil.example/", "/my"),
        ("//evil.example/x", "/my"),
        ("/\\evil.example", "/my"),
        ("javascript:alert(1)", "/my"),
        ("regulations", "/my"),
        ("/ok\r\nSet-Cookie: x", "/my"),
    ],
)
def test_next_parameter_only_redirects_to_local_paths(target: str, expected: str) -> None:
    assert safe_next(target, "/my") == expected


def test_login_redirect_ignores_an_external_next(client: FlaskClient, make_user: Callable[..., Any]) -> None:
    user = make_user("张三")
    response = client.post("/login?next=https://evil.example/", data={"employee_no": user.employee_no, "password": PASSWORD})
    assert response.headers["Location"] == "/my"


def test_forms_without_a_csrf_token_are_rejected(make_app: Callable[..., Any], make_user: Callable[..., Any]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_user("张三")
    client = app.test_client()
    response = client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)


def test_session_cookie_is_http_only_and_same_site(client: FlaskClient, make_user: Callable[..., Any]) -> None:
    user = make_user("张三")
    response = client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_error_pages_are_in_chinese(client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any]) -> None:
    login(make_user("张三"))
    missing = client.get("/regulations/no-such-thing")
    assert missing.status_code == 404 and "页面不存在" in missing.get_data(as_text=True)
    denied = client.get("/admin/audit")
    assert denied.status_code == 403 and "没有权限" in denied.get_data(as_text=True)


def test_internal_errors_show_a_chinese_page(make_app: Callable[..., Any]) -> None:
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    from portal.errorpages import bp as pages

    del pages
    app.view_functions["errorpages.health"] = lambda: 1 / 0
    app.view_functions["errorpages.health"].__access__ = None  # type: ignore[attr-defined]
    response = app.test_client().get("/healthz")
    assert response.status_code == 500 and "服务器出错了" in response.get_data(as_text=True)


def test_new_hire_gets_the_required_list_with_a_new_hire_deadline(
    session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any]
) -> None:
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]), document("hr", "人事制度", ["乙。"]))
    add_rule(session, clock, NewRule("department", "销售部", None, 30))
    session.commit()
    hire = make_user("新人", department="销售部", hire_date=clock.today())
    other = make_user("别人", department="市场部")
    due = {a.due_on for a in session.scalars(select(Assignment).where(Assignment.user_id == hire.id))}
    assert due == {clock.today() + dt.timedelta(days=14)}
    assert session.scalars(select(Assignment).where(Assignment.user_id == other.id)).all() == []


def _roster_rows() -> list[list[str]]:
    return [
        ["工号", "姓名", "部门", "岗位", "入职日期", "邮箱", "角色"],
        ["E9001", "周一", "销售部", "代表", "2026-03-01", "z1@example.com", "员工"],
        ["E9002", "", "销售部", "代表", "2026-03-01", "", ""],
        ["E9003", "吴三", "市场部", "专员", "2026/13/01", "not-an-email", "老板"],
        ["E9001", "周一", "销售部", "代表", "", "", ""],
        ["E0001", "已有", "销售部", "", "", "", "部门经理"],
    ]


def test_roster_preview_reports_invalid_rows_with_line_numbers_and_reasons() -> None:
    valid, invalid = parse_roster(_roster_rows())
    assert [r.user.employee_no for r in valid] == ["E9001", "E0001"]
    assert valid[1].user.roles == frozenset({Role.EMPLOYEE, Role.MANAGER})
    reasons = {row.line: row.reasons for row in invalid}
    assert set(reasons) == {3, 4, 5}
    assert any("姓名" in r for r in reasons[3])
    assert any("入职日期" in r for r in reasons[4]) and any("未知角色" in r for r in reasons[4]) and any("邮箱" in r for r in reasons[4])
    assert reasons[5] == ("工号在花名册中重复",)


def test_roster_preview_separates_accounts_that_already_exist(session: Session, make_user: Callable[..., Any]) -> None:
    make_user("已有", employee_no="E0001")
    preview = preview_roster(session, _roster_rows())
    assert [r.user.employee_no for r in preview.valid] == ["E9001"]
    assert [r.user.employee_no for r in preview.existing] == ["E0001"]


def test_user_import_command_previews_then_creates_from_xlsx(runner: Any, app: Any, tmp_path: Path, session: Session) -> None:
    from cli.main import main

    workbook = Workbook()
    for row in _roster_rows():
        workbook.active.append(row)
    roster = tmp_path / "roster.xlsx"
    workbook.save(roster)
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    preview = runner.invoke(main, ["--root", str(tmp_path), "user", "import", str(roster), "--dry-run"], env=env)
    assert preview.exit_code == 0, preview.output
    assert "可导入 2 行，无效 3 行，已存在 0 行" in preview.output and "第 4 行" in preview.output
    assert session.scalars(select(User)).all() == []
    created = runner.invoke(main, ["--root", str(tmp_path), "user", "import", str(roster), "--yes",
                                   "--passwords-out", str(tmp_path / "pw.csv")], env=env)
    assert created.exit_code == 0, created.output
    assert sorted(session.scalars(select(User.employee_no)).all()) == ["E0001", "E9001"]
    assert "E9001" in (tmp_path / "pw.csv").read_text(encoding="utf-8-sig")


def test_user_add_and_set_password_commands(runner: Any, app: Any, tmp_path: Path, client: FlaskClient) -> None:
    from cli.main import main

    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    added = runner.invoke(main, ["--root", str(tmp_path), "user", "add", "--employee-no", "H1", "--name", "人事甲",
                                 "--role", "hr", "--password", "first-pass-1"], env=env)
    assert added.exit_code == 0, added.output
    reset = runner.invoke(main, ["--root", str(tmp_path), "user", "set-password", "H1", "--password", "second-pass-2",
                                 "--permanent"], env=env)
    assert reset.exit_code == 0, reset.output
    response = client.post("/login", data={"employee_no": "H1", "password": "second-pass-2"})
    assert response.headers["Location"] == "/hr/dashboard/"  # HR lands on the dashboard
    assert client.get("/hr/dashboard/").status_code == 200


def test_admin_role_change_is_audited_and_exportable(client: FlaskClient, login: Callable[..., Any],
                                                     make_user: Callable[..., Any], session: Session) -> None:
    from portal.audit.models import AuditEvent

    admin = make_user("管理员", roles={Role.ADMIN})
    staff = make_user("张三")
    login(admin)
    response = client.post(f"/admin/users/{staff.id}", data={"roles": ["employee", "hr"], "active": "y"})
    assert response.status_code == 302
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "role_changed")).one()
    assert "张三" in event.target and "人力资源" in event.detail and event.actor_id == admin.id
    export = client.get("/admin/audit.csv?action=role_changed", buffered=True)
    text = export.data.decode("utf-8-sig")
    assert "角色变更" in text and "张三" in text
    assert client.get("/admin/audit?action=role_changed").status_code == 200


def test_admin_cannot_remove_their_own_admin_role(client: FlaskClient, login: Callable[..., Any],
                                                  make_user: Callable[..., Any]) -> None:
    admin = make_user("管理员", roles={Role.ADMIN})
    login(admin)
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["employee"], "active": "y"}, follow_redirects=True)
    assert "不能取消自己的管理员角色" in response.get_data(as_text=True)


def test_initial_passwords_csv_neutralises_formula_names_from_the_roster(runner: Any, app: Any, tmp_path: Path) -> None:
    # Issue 9, finding 7: a roster name like =HYPERLINK(…) was written as a live formula.
    from cli.main import main

    roster = tmp_path / "roster.csv"
    roster.write_text('工号,姓名,部门\nE7001,"=HYPERLINK(""http://x"",""点我"")",销售部\n', encoding="utf-8")
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    out = tmp_path / "pw.csv"
    created = runner.invoke(main, ["--root", str(tmp_path), "user", "import", str(roster), "--yes",
                                   "--passwords-out", str(out)], env=env)
    assert created.exit_code == 0, created.output
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][1].startswith("'=HYPERLINK(")
