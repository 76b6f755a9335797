"""Sign-in with the company directory: a real slapd on loopback, loaded with a small company."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.assignments.models import Assignment, AssignmentHistory
from portal.assignments.services import NewRule, add_rule
from portal.audit.models import AuditEvent
from portal.auth.identities import ExternalIdentity
from portal.auth.models import User, UserSession
from portal.auth.throttle import LoginThrottle
from portal.releases.models import Regulation
from tests.portal.auth.slapd import COMPANY, GROUPS, SlapdServer, company_ldif, directory_settings, free_port

ZHANG, LINA, WANG, LIU = COMPANY


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[SlapdServer]:
    server = SlapdServer(tmp_path / "slapd", company_ldif())
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def directory_app(make_app: Callable[..., Flask], slapd: SlapdServer) -> Flask:
    return make_app(**directory_settings(slapd))


@pytest.fixture
def handbook(publish: Callable[..., Any], document: Callable[..., Any], session: Session, clock: Any) -> dict[str, int]:
    """Two regulations: one for everybody, one for the sales department only."""
    publish("2026.1", document("conduct", "员工行为规范", ["遵守纪律。"]), document("sales", "销售管理制度", ["遵守合同。"]))
    ids = {r.slug: r.id for r in session.scalars(select(Regulation))}
    add_rule(session, clock, NewRule("all", "", ids["conduct"], 30))
    add_rule(session, clock, NewRule("department", "销售部", ids["sales"], 30))
    session.commit()
    return ids


def sign_in(client: FlaskClient, login: str, password: str) -> Any:
    return client.post("/login", data={"employee_no": login, "password": password})


def account(session: Session, employee_no: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.employee_no == employee_no))


def assigned_slugs(session: Session, user: User, ids: dict[str, int]) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[a.regulation_id] for a in session.scalars(select(Assignment).where(Assignment.user_id == user.id))}


def test_a_directory_user_signs_in_to_a_portal_that_never_saw_them(
    directory_app: Flask, session: Session, handbook: dict[str, int]
) -> None:
    assert account(session, ZHANG.employee_no) is None
    response = sign_in(directory_app.test_client(), ZHANG.uid, ZHANG.password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/my")
    user = account(session, ZHANG.employee_no)
    assert user is not None
    assert (user.name, user.department, user.position, user.email) == ("张伟", "销售部", "销售专员", ZHANG.mail)
    assert user.roles == {Role.EMPLOYEE} and user.active and not user.must_change_password
    assert assigned_slugs(session, user, handbook) == {"conduct", "sales"}
    link = session.scalars(select(ExternalIdentity)).one()
    assert (link.provider, link.subject, link.user_id) == ("ldap", ZHANG.dn.lower(), user.id)


def test_groups_become_roles_and_hr_lands_on_the_dashboard(directory_app: Flask, session: Session,
                                                            handbook: dict[str, int]) -> None:
    response = sign_in(directory_app.test_client(), LINA.uid, LINA.password)
    assert response.headers["Location"].endswith("/hr/dashboard/")
    lina = account(session, LINA.employee_no)
    assert lina is not None and lina.roles == {Role.EMPLOYEE, Role.HR}
    assert assigned_slugs(session, lina, handbook) == {"conduct"}  # HR is not in sales
    sign_in(directory_app.test_client(), WANG.uid, WANG.password)
    wang = account(session, WANG.employee_no)
    assert wang is not None and wang.roles == {Role.EMPLOYEE, Role.MANAGER} and wang.department == "销售部"


def test_a_wrong_password_creates_nothing_and_counts_as_a_failure(directory_app: Flask, session: Session) -> None:
    response = sign_in(directory_app.test_client(), ZHANG.uid, "not-his-password")
    assert response.status_code == 200 and "工号或密码不正确" in response.get_data(as_text=True)
    assert account(session, ZHANG.employee_no) is None
    assert session.scalars(select(ExternalIdentity)).all() == []
    streak = session.get(LoginThrottle, ("account", ZHANG.uid))
    assert streak is not None and streak.failures == 1
    assert [e.action for e in session.scalars(select(AuditEvent))] == ["login_failed"]


@pytest.mark.parametrize("login", ["*", "zhang*", "zhangwei)(uid=*", "uid=zhangwei,ou=people", "lina\\2a"])
def test_ldap_syntax_in_the_login_matches_nobody(directory_app: Flask, session: Session, login: str) -> None:
    for password in (ZHANG.password, LINA.password):
        response = sign_in(directory_app.test_client(), login, password)
        assert response.status_code == 200 and "工号或密码不正确" in response.get_data(as_text=True)
    assert session.scalars(select(User)).all() == []


def test_a_person_marked_as_left_in_the_directory_is_refused_and_gets_no_account(
    directory_app: Flask, session: Session
) -> None:
    response = sign_in(directory_app.test_client(), LIU.uid, LIU.password)
    assert response.status_code == 200 and "该账号已停用" in response.get_data(as_text=True)
    assert account(session, LIU.employee_no) is None


def test_leaving_after_the_first_sign_in_deactivates_the_account_and_ends_its_sessions(
    directory_app: Flask, session: Session, slapd: SlapdServer
) -> None:
    browser = directory_app.test_client()
    sign_in(browser, ZHANG.uid, ZHANG.password)
    assert browser.get("/my").status_code == 200
    slapd.modify(ZHANG.dn, employeeType="离职")
    response = sign_in(directory_app.test_client(), ZHANG.uid, ZHANG.password)
    assert "该账号已停用" in response.get_data(as_text=True)
    user = account(session, ZHANG.employee_no)
    assert user is not None and not user.active
    assert all(row.ended_at is not None for row in session.scalars(select(UserSession).where(UserSession.user_id == user.id)))
    assert browser.get("/my").status_code == 302  # the first browser is signed out too


def test_a_department_change_in_the_directory_is_a_transfer_at_the_next_sign_in(
    directory_app: Flask, session: Session, slapd: SlapdServer, handbook: dict[str, int]
) -> None:
    sign_in(directory_app.test_client(), ZHANG.uid, ZHANG.password)
    slapd.modify(ZHANG.dn, departmentNumber="财务部", title="会计")
    assert sign_in(directory_app.test_client(), ZHANG.uid, ZHANG.password).status_code == 302
    user = account(session, ZHANG.employee_no)
    assert user is not None and (user.department, user.position) == ("财务部", "会计")
    assert assigned_slugs(session, user, handbook) == {"conduct"}
    ended = session.scalars(select(AssignmentHistory).where(AssignmentHistory.user_id == user.id)).one()
    assert (ended.regulation_id, ended.department) == (handbook["sales"], "销售部")
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "user_transferred" in actions


def test_directory_groups_manage_their_roles_and_leave_roles_granted_here(
    directory_app: Flask, session: Session, slapd: SlapdServer, clock: Any
) -> None:
    from portal.auth.services import set_roles

    sign_in(directory_app.test_client(), LINA.uid, LINA.password)
    lina = account(session, LINA.employee_no)
    assert lina is not None
    set_roles(session, clock, lina, frozenset({Role.HR, Role.APPROVER}), actor=None)
    session.commit()
    slapd.modify(f"cn=handbook-hr,{GROUPS}", member=ZHANG.dn)
    sign_in(directory_app.test_client(), LINA.uid, LINA.password)
    lina = account(session, LINA.employee_no)
    assert lina is not None and lina.roles == {Role.EMPLOYEE, Role.APPROVER}


def test_the_local_administrator_still_signs_in_with_the_local_password(
    directory_app: Flask, session: Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("管理员", roles={Role.ADMIN}, employee_no="admin")
    assert sign_in(directory_app.test_client(), "admin", "correct-horse-42").status_code == 302
    assert sign_in(directory_app.test_client(), "admin", "wrong-password-1").status_code == 200
    assert session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == admin.id)).all() == []


def test_a_directory_person_cannot_take_over_a_local_administrator_with_the_same_number(
    make_app: Callable[..., Flask], slapd: SlapdServer, session: Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("管理员", roles={Role.ADMIN}, employee_no=ZHANG.employee_no)
    app = make_app(**directory_settings(slapd))
    response = sign_in(app.test_client(), ZHANG.uid, ZHANG.password)
    assert "本地管理员账号" in response.get_data(as_text=True)
    user = account(session, ZHANG.employee_no)
    assert user is not None and user.id == admin.id and user.name == "管理员"
    assert session.scalars(select(ExternalIdentity)).all() == []


def test_an_account_from_hrs_roster_is_linked_not_duplicated_and_its_local_password_stops_working(
    directory_app: Flask, session: Session, make_user: Callable[..., User]
) -> None:
    roster = make_user("张伟", employee_no=ZHANG.employee_no, department="销售部")
    assert sign_in(directory_app.test_client(), ZHANG.uid, ZHANG.password).status_code == 302
    assert [u.id for u in session.scalars(select(User))] == [roster.id]
    assert sign_in(directory_app.test_client(), ZHANG.employee_no, "correct-horse-42").status_code == 200


def test_an_unreachable_directory_says_so_and_counts_no_failure(make_app: Callable[..., Flask], session: Session,
                                                               slapd: SlapdServer) -> None:
    settings = {**directory_settings(slapd), "LDAP_URL": f"ldap://127.0.0.1:{free_port()}", "LDAP_TIMEOUT": 1.0}
    response = sign_in(make_app(**settings).test_client(), ZHANG.uid, ZHANG.password)
    assert response.status_code == 200 and "暂时无法连接公司目录服务" in response.get_data(as_text=True)
    assert session.get(LoginThrottle, ("account", ZHANG.uid)) is None or \
        session.get(LoginThrottle, ("account", ZHANG.uid)).failures == 0  # type: ignore[union-attr]
