"""Every route, every role: the answer matches the access each view declares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.access import Access, Role, access_of
from portal.clock import FixedClock
from tests.portal.world import ROLES, build_world


@pytest.fixture
def world(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
          document: Callable[..., Any]) -> dict[str, Any]:
    return build_world(record_signer, session, clock, make_user, publish, document)


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
            if getattr(app.view_functions[rule.endpoint], "__api__", None) is not None:
                walked.add(rule.endpoint)  # token-guarded: walked with every scope in tests/portal/api
                continue
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
