"""The integration API: every endpoint with every scope and every role, and the rows each gets back."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.services import SignRequest, sign
from portal.api.guard import ENDPOINTS
from portal.api.models import ApiToken
from portal.api.tokens import Scope, issue_token, revoke_token
from portal.assignments.services import NewRule, add_rule
from portal.audit.models import AuditEvent
from portal.clock import FixedClock
from portal.releases.models import RegulationVersion

# name → (department, role): each name is found nowhere else, so the rows are the names.
PEOPLE = {
    "销售甲": ("销售部", Role.EMPLOYEE), "销售乙": ("销售部", Role.EMPLOYEE), "市场丙": ("市场部", Role.EMPLOYEE),
    "销售经理": ("销售部", Role.MANAGER), "人事专员": ("人力资源部", Role.HR), "审批人员": ("法务部", Role.APPROVER),
    "系统管理": ("信息部", Role.ADMIN),
}
SIGNERS = ("销售甲", "市场丙", "销售经理", "人事专员")
# What each account's token sees of the acknowledgements (the web's rule: HR all, manager department, others own).
ACKS_SEEN = {
    "销售甲": {"销售甲"}, "销售乙": set(), "市场丙": {"市场丙"}, "销售经理": {"销售甲", "销售经理"},
    "人事专员": set(SIGNERS), "审批人员": set(), "系统管理": set(SIGNERS),
}
COMPLETION_SEEN = {"销售经理": {"销售部"}, "人事专员": {"销售部", "市场部", "人力资源部", "法务部", "信息部"},
                   "系统管理": {"销售部", "市场部", "人力资源部", "法务部", "信息部"}}


@pytest.fixture
def company(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any],
            publish: Callable[..., Any], document: Callable[..., Any]) -> dict[str, Any]:
    publish("2026.1", document("sales", "销售管理制度", ["遵守合同。"]), document("conduct", "员工行为规范", ["守纪。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    users = {name: make_user(name, roles={role}, department=dep) for name, (dep, role) in PEOPLE.items()}
    version = session.scalars(select(RegulationVersion).order_by(RegulationVersion.id)).first()
    assert version is not None
    for name in SIGNERS:
        sign(session, clock, SignRequest(users[name].id, version.id, True, name, "1.1.1.1", "t"), signer=record_signer)
    session.commit()
    return users


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def token(session: Session, clock: FixedClock, user: Any, scopes: set[Scope], **kw: Any) -> str:
    issued = issue_token(session, clock, user, "人事系统", frozenset(scopes), **kw)
    session.commit()
    return issued.secret


def test_every_endpoint_answers_every_scope_and_role_as_declared(
    app: Flask, company: dict[str, Any], session: Session, clock: FixedClock
) -> None:
    client = app.test_client()
    api_rules = {r.rule for r in app.url_map.iter_rules() if getattr(app.view_functions[r.endpoint], "__api__", None)}
    assert api_rules == {"/api/v1" + e.path for e in ENDPOINTS}
    checked = 0
    for e in ENDPOINTS:
        url = "/api/v1" + e.path
        assert client.get(url).status_code == 401
        assert client.get(url, headers=bearer("hbk_not-a-token")).status_code == 401
        for name, user in company.items():
            for scopes in ({s} for s in Scope):
                answer = client.get(url, headers=bearer(token(session, clock, user, scopes)))
                if e.scope not in scopes:
                    expected = 403
                elif e.serves(user.roles):
                    expected = 200
                else:
                    expected = 403
                assert answer.status_code == expected, (url, name, scopes, answer.get_json())
                assert answer.is_json
                checked += 1
    assert checked == len(ENDPOINTS) * len(PEOPLE) * len(Scope)


def test_each_role_gets_exactly_the_acknowledgements_it_sees_on_the_web(
    app: Flask, company: dict[str, Any], session: Session, clock: FixedClock
) -> None:
    client = app.test_client()
    for name, user in company.items():
        answer = client.get("/api/v1/acknowledgements", headers=bearer(token(session, clock, user, {Scope.ACKNOWLEDGEMENTS})))
        assert answer.status_code == 200
        assert {row["name"] for row in answer.get_json()["items"]} == ACKS_SEEN[name], name


def test_acknowledgements_carry_their_chain_data_in_chain_order(
    app: Flask, company: dict[str, Any], session: Session, clock: FixedClock
) -> None:
    secret = token(session, clock, company["人事专员"], {Scope.ACKNOWLEDGEMENTS})
    items = app.test_client().get("/api/v1/acknowledgements", headers=bearer(secret)).get_json()["items"]
    assert [row["id"] for row in items] == sorted(row["id"] for row in items)
    assert items[0]["prev_hash"] == "0" * 64
    for before, after in itertools.pairwise(items):
        assert after["prev_hash"] == before["record_hash"]
    assert all(len(row["signature"]) > 40 and row["key_id"] for row in items)
    assert items[0]["signed_at"].endswith("Z") and items[0]["regulation"] == "sales"


def test_acknowledgements_page_with_a_cursor(app: Flask, company: dict[str, Any], session: Session, clock: FixedClock) -> None:
    client = app.test_client()
    headers = bearer(token(session, clock, company["人事专员"], {Scope.ACKNOWLEDGEMENTS}))
    seen: list[str] = []
    after: int | None = 0
    while after is not None:
        page = client.get(f"/api/v1/acknowledgements?limit=3&after_id={after}", headers=headers).get_json()
        seen += [row["name"] for row in page["items"]]
        after = page["next_after_id"]
    assert sorted(seen) == sorted(SIGNERS)


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=x", "after_id=-1", "after_id=1e3", "limit=９"])
def test_bad_parameters_get_a_chinese_400(app: Flask, company: dict[str, Any], session: Session, clock: FixedClock,
                                          query: str) -> None:
    headers = bearer(token(session, clock, company["人事专员"], {Scope.ACKNOWLEDGEMENTS}))
    answer = app.test_client().get(f"/api/v1/acknowledgements?{query}", headers=headers)
    assert answer.status_code == 400 and "参数" in answer.get_json()["error"]["message"]


def test_completion_is_the_dashboards_matrix_in_the_managers_scope(
    app: Flask, company: dict[str, Any], session: Session, clock: FixedClock
) -> None:
    client = app.test_client()
    for name in COMPLETION_SEEN:
        items = client.get("/api/v1/completion", headers=bearer(token(session, clock, company[name], {Scope.COMPLETION}))).get_json()["items"]
        assert {row["department"] for row in items} == COMPLETION_SEEN[name], name
    hr = client.get("/api/v1/completion", headers=bearer(token(session, clock, company["人事专员"], {Scope.COMPLETION})))
    sales = [row for row in hr.get_json()["items"] if row["department"] == "销售部" and row["regulation"] == "sales"]
    assert sales == [{"department": "销售部", "regulation": "sales", "assigned": 3, "signed": 2, "overdue": 0,
                      "percent": 66.7}]


def test_regulations_list_what_is_in_force(app: Flask, company: dict[str, Any], session: Session, clock: FixedClock) -> None:
    items = app.test_client().get("/api/v1/regulations",
                                  headers=bearer(token(session, clock, company["销售乙"], {Scope.REGULATIONS}))).get_json()["items"]
    assert {(row["slug"], row["version"]) for row in items} == {("sales", "2026.1"), ("conduct", "2026.1")}
    assert items[0]["url"].endswith("/regulations/" + items[0]["slug"])


def test_revoked_expired_and_deactivated_tokens_are_refused(
    app: Flask, company: dict[str, Any], session: Session, clock: FixedClock
) -> None:
    client = app.test_client()
    hr = company["人事专员"]
    revoked = issue_token(session, clock, hr, "旧系统", frozenset({Scope.REGULATIONS}))
    revoke_token(session, clock, hr, revoked.token.id)
    short = token(session, clock, hr, {Scope.REGULATIONS}, days=1)
    session.commit()
    assert client.get("/api/v1/regulations", headers=bearer(revoked.secret)).status_code == 401
    assert client.get("/api/v1/regulations", headers=bearer(short)).status_code == 200
    clock.advance(dt.timedelta(days=1, seconds=1))
    assert client.get("/api/v1/regulations", headers=bearer(short)).status_code == 401
    leaver = token(session, clock, company["销售甲"], {Scope.REGULATIONS})
    company["销售甲"].active = False
    session.commit()
    assert client.get("/api/v1/regulations", headers=bearer(leaver)).status_code == 401


def test_tokens_are_hashed_at_rest_and_audited(app: Flask, company: dict[str, Any], session: Session, clock: FixedClock) -> None:
    secret = token(session, clock, company["人事专员"], {Scope.REGULATIONS})
    row = session.scalars(select(ApiToken)).one()
    assert secret not in (row.token_hash, row.prefix, row.name) and secret.startswith(row.prefix)
    assert "api_token_created" in [e.action for e in session.scalars(select(AuditEvent))]
    app.test_client().get("/api/v1/regulations", headers=bearer(secret))
    session.expire_all()
    assert session.scalars(select(ApiToken)).one().last_used_at is not None


def test_a_person_creates_and_revokes_a_token_in_the_browser_and_only_their_own(
    app: Flask, company: dict[str, Any], session: Session, clock: FixedClock
) -> None:
    browser: FlaskClient = app.test_client()
    hr = company["人事专员"]
    browser.post("/login", data={"employee_no": hr.employee_no, "password": "correct-horse-42"})
    page = browser.post("/account/tokens", data={"name": "人事系统同步", "scopes": ["completion:read"], "days": "30"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "请立即复制保存" in text
    secret = text.split('<code class="token-secret">')[1].split("</code>")[0]
    assert app.test_client().get("/api/v1/completion", headers=bearer(secret)).status_code == 200
    assert secret not in browser.get("/account/tokens").get_data(as_text=True)  # shown once
    other = issue_token(session, clock, company["销售甲"], "个人", frozenset({Scope.REGULATIONS}))
    session.commit()
    mine = session.scalars(select(ApiToken).where(ApiToken.user_id == hr.id)).one()
    browser.post("/account/tokens/revoke", data={"token_id": str(other.token.id)})
    browser.post("/account/tokens/revoke", data={"token_id": str(mine.id)})
    session.expire_all()
    assert session.get(ApiToken, other.token.id).revoked_at is None  # type: ignore[union-attr]
    assert session.get(ApiToken, mine.id).revoked_at is not None  # type: ignore[union-attr]
    assert app.test_client().get("/api/v1/completion", headers=bearer(secret)).status_code == 401
    refused = browser.post("/account/tokens", data={"name": "", "days": "0"})
    assert refused.status_code == 200 and "请填写令牌用途" in refused.get_data(as_text=True)


def test_the_openapi_document_describes_every_endpoint_and_its_answers_match(
    app: Flask, company: dict[str, Any], session: Session, clock: FixedClock
) -> None:
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    assert set(spec["paths"]) == {e.path for e in ENDPOINTS}
    secret = token(session, clock, company["系统管理"], set(Scope))
    for path, item in spec["paths"].items():
        schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["items"]["items"]
        rows = client.get("/api/v1" + path, headers=bearer(secret)).get_json()["items"]
        assert rows, path
        for row in rows:
            assert set(row) == set(schema["properties"]), path
            for key, value in row.items():
                kinds = schema["properties"][key]["type"]
                kinds = kinds if isinstance(kinds, list) else [kinds]
                python = {"string": str, "integer": int, "number": (int, float), "null": type(None)}
                assert any(isinstance(value, python[k]) for k in kinds), (path, key, value)
