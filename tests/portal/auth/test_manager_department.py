"""A manager sees their department's people, so no manager exists without a department (issue 9, deliverable 3):
not from the account form, not from a roster, not from the command line, not by a role change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.auth.models import User
from portal.auth.roster import parse_roster

MESSAGE = "部门经理必须填写所属部门"


def test_the_account_form_refuses_a_manager_without_a_department(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session
) -> None:
    login(make_user("管理员", roles={Role.ADMIN}))
    form = {"employee_no": "M1", "name": "王经理", "department": "  ", "password": "first-pass-1", "roles": ["employee", "manager"]}
    refused = client.post("/admin/users/new", data=form)
    assert refused.status_code == 200 and MESSAGE in refused.get_data(as_text=True)
    assert session.scalar(select(User).where(User.employee_no == "M1")) is None
    created = client.post("/admin/users/new", data={**form, "department": "销售部"})
    assert created.status_code == 302
    manager = session.scalars(select(User).where(User.employee_no == "M1")).one()
    assert manager.has_role(Role.MANAGER) and manager.department == "销售部"


def test_a_roster_row_of_a_manager_without_a_department_is_invalid() -> None:
    rows = [["工号", "姓名", "部门", "角色"], ["M1", "王经理", "", "部门经理"], ["M2", "李经理", "市场部", "部门经理"],
            ["E1", "张三", "", "员工"]]
    valid, invalid = parse_roster(rows)
    assert [r.user.employee_no for r in valid] == ["M2", "E1"]
    assert [(row.line, row.employee_no) for row in invalid] == [(2, "M1")]
    assert any(MESSAGE in reason for reason in invalid[0].reasons)


def test_the_command_line_refuses_a_manager_without_a_department(runner: Any, app: Any, tmp_path: Path, session: Session) -> None:
    from cli.main import main

    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    refused = runner.invoke(main, ["--root", str(tmp_path), "user", "add", "--employee-no", "M1", "--name", "王经理",
                                   "--role", "manager", "--password", "first-pass-1"], env=env)
    assert refused.exit_code != 0 and MESSAGE in refused.output
    assert session.scalar(select(User).where(User.employee_no == "M1")) is None


def test_the_manager_role_cannot_be_given_to_an_account_without_a_department(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session
) -> None:
    admin = make_user("管理员", roles={Role.ADMIN})
    nobody = make_user("张三", department="")
    login(admin)
    answer = client.post(f"/admin/users/{nobody.id}", data={"roles": ["employee", "manager"], "active": "y"}, follow_redirects=True)
    assert MESSAGE in answer.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, nobody.id).roles == {Role.EMPLOYEE}  # type: ignore[union-attr]
