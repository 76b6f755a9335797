"""The draft page's 适用部门: HR limits a revision to departments (chosen with head counts), the approver
sees the same choice and its effect, the publishing task honours it, and the versions page lists it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.services import SignRequest, sign
from portal.assignments.models import Assignment, AssignmentHistory
from portal.assignments.services import NewRule, add_rule
from portal.audit.models import AuditEvent
from portal.clock import FixedClock
from portal.releases import drafts
from portal.releases.models import Draft, RegulationVersion
from portal.tasks.consumer import ConsumerProcess

V1 = ["为规范销售行为，特制定本制度。", "回款须在三十日内完成。"]
V2 = "销售管理制度\n第一章 总则\n第一条 为规范销售行为，特制定本制度。\n第二条 回款须在十五日内完成。\n"


@pytest.fixture
def world(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any],
          publish: Callable[..., Any], document: Callable[..., Any], tmp_path: Path) -> dict[str, Any]:
    publish("2026.1", document("sales", "销售管理制度", V1))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    people = {"hr": make_user("人事", roles={Role.HR}, department="人力资源部"),
              "approver": make_user("审批人", roles={Role.APPROVER}, department="总经办"),
              "sales": [make_user(f"销售{i}", department="销售部") for i in range(3)],
              "finance": [make_user(f"财务{i}", department="财务部") for i in range(2)]}
    version = session.scalars(select(RegulationVersion)).one()
    for user in [*people["sales"], *people["finance"]]:
        sign(session, clock, SignRequest(user.id, version.id, True, user.name, "127.0.0.1", "t"), signer=record_signer)
    source = tmp_path / "销售管理制度.txt"
    source.write_text(V2, encoding="utf-8")
    draft = drafts.create_draft(session, clock, drafts.NewDraft("2026.2", clock.today()), people["hr"])
    drafts.import_into_draft(session, draft.id, [source])
    session.commit()
    people["draft"] = draft
    return people


def test_hr_limits_a_revision_and_refusals_are_in_chinese(
    client: FlaskClient, login: Callable[..., Any], session: Session, world: dict[str, Any],
    make_user: Callable[..., Any],
) -> None:
    url = f"/admin/drafts/{world['draft'].id}"
    login(world["hr"])
    page = client.get(url).get_data(as_text=True)
    assert "适用部门" in page and "本版适用：<strong class=\"scope-now\">全部部门</strong>（7 人）" in page
    assert "销售部（3 人）" in page and "财务部（2 人）" in page and "与现行版本相同" in page
    for form, message in (({"scope": "some"}, "请至少选择一个部门，或选择“全部部门”。"),
                          ({"scope": "some", "department": "市场部"}, "没有名为“市场部”的部门"),
                          ({"scope": "任意"}, "请选择适用范围。")):
        response = client.post(f"{url}/departments", data={"slug": "销售管理制度", **form}, follow_redirects=True)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    session.expire_all()
    assert drafts.chosen_departments(session.get(Draft, world["draft"].id)) == {}  # nothing stored
    response = client.post(f"{url}/departments", data={"slug": "销售管理制度", "scope": "some", "department": "销售部"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已保存适用部门。" in page and "<strong class=\"scope-now\">销售部</strong>（3 人）" in page
    assert "现行版本：全部部门" in page and "4 项签署任务将结束" in page  # finance ×2, HR and the approver
    client.post("/logout")
    login(make_user("管理员", roles={Role.ADMIN}, department="信息部"))
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "设置适用部门" in audit and "《销售管理制度》适用范围：销售部" in audit


@pytest.fixture
def consumer(app: Flask) -> Iterator[ConsumerProcess]:
    process = ConsumerProcess(app)
    process.start()
    yield process
    process.stop()


def _wait_published(session: Session, draft_id: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        session.expire_all()
        draft = session.get(Draft, draft_id)
        assert draft is not None
        if draft.status == "published":
            return
        time.sleep(0.2)
    raise AssertionError("never published")


@pytest.mark.slow
def test_the_approver_sees_the_choice_and_the_published_version_asks_only_those_departments(
    client: FlaskClient, login: Callable[..., Any], session: Session, world: dict[str, Any], consumer: ConsumerProcess
) -> None:
    url = f"/admin/drafts/{world['draft'].id}"
    login(world["hr"])
    client.post(f"{url}/departments", data={"slug": "销售管理制度", "scope": "some", "department": "销售部"})
    client.post(f"{url}/submit", data={"summary": "回款期限缩短为十五日，仅适用于销售部"})
    client.post("/logout")
    login(world["approver"])
    page = client.get(url).get_data(as_text=True)
    assert "<strong class=\"scope-now\">销售部</strong>（3 人）" in page and "4 项签署任务将结束" in page
    assert "保存适用部门" not in page  # the approver decides on what HR submitted
    assert client.post(f"{url}/departments", data={"slug": "销售管理制度", "scope": "all"}).status_code == 403
    client.post(f"{url}/approve")
    _wait_published(session, world["draft"].id)

    sales_ids = {u.id for u in world["sales"]}
    asked = session.execute(select(Assignment.user_id, Assignment.requested_on)).all()
    assert {user_id for user_id, _ in asked} == sales_ids and len(asked) == 3
    ended = session.scalars(select(AssignmentHistory.reason)).all()
    assert sorted(ended) == ["not_applicable"] * 4
    client.post("/logout")
    login(world["hr"])
    versions = client.get("/admin/regulations/sales/versions").get_data(as_text=True)
    assert "<td class=\"cell-wrap\" data-label=\"适用部门\">销售部</td>" in versions
    assert "<td class=\"cell-wrap\" data-label=\"适用部门\">全部部门</td>" in versions
    sales_reader = world["sales"][0]
    client.post("/logout")
    login(sales_reader)
    reading = client.get("/regulations/sales").get_data(as_text=True)
    assert "适用范围 销售部" in reading
    assert "适用范围 全部部门" in client.get("/regulations/sales/versions/2026.1").get_data(as_text=True)
    [published] = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "publish")).all()
    assert "3 人次需要重新签署" in published and "适用范围调整：《销售管理制度》销售部" in published and "4 项签署任务因不再适用而结束" in published
