"""Every route, every role: the answer matches the access each view declares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Access, Role, access_of
from portal.acks.services import SignRequest, sign
from portal.assignments.models import AssignmentRule
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.releases.drafts import NewDraft, create_draft
from portal.releases.models import RegulationVersion
from portal.tasks.services import create_task

ROLES: tuple[Role | None, ...] = (None, Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.APPROVER, Role.ADMIN)


@pytest.fixture
def world(session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
          document: Callable[..., Any]) -> dict[str, Any]:
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    users = {role: make_user(f"{role.value}用户", roles={role}) for role in Role}
    version = session.scalars(select(RegulationVersion)).one()
    ack = sign(session, clock, SignRequest(users[Role.EMPLOYEE].id, version.id, True, users[Role.EMPLOYEE].name, "1.1.1.1", "t"))
    task = create_task(session, clock, "publish", users[Role.HR].id)
    draft = create_draft(session, clock, NewDraft("2026.9", dt.date(2026, 9, 1)), users[Role.HR])
    session.commit()
    rule = session.scalars(select(AssignmentRule)).one()
    return {
        "users": users,
        "values": {"slug": "sales", "label": "2026.1", "ack_id": ack.id, "user_id": users[Role.EMPLOYEE].id,
                   "rule_id": rule.id, "task_id": task.id, "draft_id": draft.id, "fmt": "csv", "path": "index.html"},
    }


def _url(rule: Any, values: dict[str, Any]) -> str:
    path = rule.rule
    for argument in rule.arguments:
        converter = rule._converters[argument]
        text = str(values[argument])
        path = path.replace(f"<{type(converter).__name__.lower().replace('converter', '')}:{argument}>", text)
        path = path.replace(f"<int:{argument}>", text).replace(f"<path:{argument}>", text).replace(f"<{argument}>", text)
    return path


def _expected_ok(access: Access, role: Role | None) -> bool:
    if access.anonymous:
        return True
    if role is None:
        return False
    if not access.roles or role == Role.ADMIN:
        return True
    return role in access.roles


def test_every_route_answers_each_role_as_declared(app: Flask, world: dict[str, Any], clock: FixedClock) -> None:
    clock.advance(dt.timedelta(minutes=1))
    walked: set[str] = set()
    for role in ROLES:
        client = app.test_client()
        if role is not None:
            user = world["users"][role]
            assert client.post("/login", data={"employee_no": user.employee_no, "password": "correct-horse-42"}).status_code == 302
        # Logging out ends the walk's session, so it goes last.
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout"):
            if rule.endpoint == "static":
                continue
            access = access_of(app.view_functions[rule.endpoint])
            assert access is not None, rule.endpoint
            method = "GET" if "GET" in rule.methods else "POST"
            url = _url(rule, world["values"])
            response = client.open(url, method=method, buffered=True)
            walked.add(rule.endpoint)
            where = f"{method} {url} as {role}: {response.status_code}"
            if role is None and not access.anonymous:
                assert response.status_code == 302 and "/login" in response.headers["Location"], where
            elif _expected_ok(access, role):
                assert response.status_code not in (401, 403) and response.status_code < 500, where
            else:
                assert response.status_code == 403, where
                assert "没有权限" in response.get_data(as_text=True)
    assert walked == {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}


def test_a_view_without_access_declaration_stops_the_factory(make_app: Callable[..., Flask]) -> None:
    from flask import Blueprint

    from portal import app as factory

    rogue = Blueprint("rogue", __name__)
    rogue.add_url_rule("/rogue", "open", lambda: "oops")
    original = factory.feature_blueprints
    factory.feature_blueprints = lambda: [*original(), rogue]  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError, match=r"rogue\.open"):
            make_app()
    finally:
        factory.feature_blueprints = original  # type: ignore[assignment]


def test_navigation_marks_only_the_current_page(client: Any, login: Callable[..., Any], make_user: Callable[..., Any]) -> None:
    login(make_user("人事", roles={Role.HR}))
    page = client.get("/hr/rules").get_data(as_text=True)
    assert page.count('aria-current="page"') == 1
    assert 'class="active" aria-current="page">分配规则<' in page


def test_migrations_form_one_linear_chain() -> None:
    from portal.migrate import head_revisions

    assert len(head_revisions()) == 1, "two migration heads: set the newer one's down_revision to the other"
