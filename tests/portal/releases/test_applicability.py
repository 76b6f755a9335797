"""Applicable departments at publish: re-sign requests and new assignments reach only the departments a
version applies to; the others' open assignments end into the history as 不再适用, never deleted."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.errors import ValidationFailed
from domain.model import Release
from portal.access import Role
from portal.acks.services import SignRequest, sign
from portal.assignments.models import Assignment, AssignmentHistory
from portal.assignments.services import NewRule, add_rule, known_targets, my_handbook
from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.auth.services import Profile, update_profile
from portal.clock import FixedClock
from portal.errors import PublishRefused
from portal.releases import drafts
from portal.releases.applicability import departments_of
from portal.releases.models import Regulation, RegulationVersion
from portal.releases.publishing import summary
from portal.releases.services import PublishOutcome, PublishRequest, publish_release

ORIGINAL = ["销售人员应遵守合同，不得私自改价。", "回款须在三十日内完成。"]
REVISED = ["销售人员应遵守合同，不得私自改价。", "回款须在十五日内完成。"]


@pytest.fixture
def staff(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any],
          publish: Callable[..., Any], document: Callable[..., Any]) -> dict[str, Any]:
    """销售管理制度 2026.1 for everyone; two people in 销售部 and two in 财务部, all four signed it."""
    publish("2026.1", document("sales", "销售管理制度", ORIGINAL))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    people = {
        "sales1": make_user("张三", department="销售部"), "sales2": make_user("李四", department="销售部"),
        "fin1": make_user("王五", department="财务部"), "fin2": make_user("赵六", department="财务部"),
    }
    version = session.scalars(select(RegulationVersion)).one()
    for user in people.values():
        sign(session, clock, SignRequest(user.id, version.id, True, user.name, "127.0.0.1", "t"), signer=record_signer)
    session.commit()
    return people


def _publish(session: Session, clock: FixedClock, version: str, *documents: Any,
             departments: dict[str, tuple[str, ...]] | None = None) -> PublishOutcome:
    release = Release(version, "测试手册", clock.today(), documents)
    outcome = publish_release(session, clock, PublishRequest(release, departments=departments or {}))
    session.commit()
    return outcome


def _pending(session: Session, clock: FixedClock, user: User) -> list[str]:
    return [i.regulation.slug for i in my_handbook(session, user, clock.today()) if i.state != "done"]


def _assigned(session: Session) -> set[int]:
    return set(session.scalars(select(Assignment.user_id)))


def test_a_revision_limited_to_one_department_asks_only_its_people_and_ends_the_others(
    session: Session, clock: FixedClock, staff: dict[str, Any], document: Callable[..., Any]
) -> None:
    clock.advance(dt.timedelta(days=3))
    before = session.scalar(select(func.count(Assignment.id)))
    outcome = _publish(session, clock, "2026.2", document("sales", "销售管理制度", REVISED), departments={"sales": ("销售部",)})
    [result] = outcome.documents
    assert (result.status, result.asked_again, result.ended, result.departments) == ("substantive", 2, 2, ("销售部",))
    assert result.scope_changed and "适用范围调整：《销售管理制度》销售部" in summary(outcome)
    assert "2 项签署任务因不再适用而结束" in summary(outcome)
    # The re-sign requests: exactly the two sales people, with the new request date.
    rows = session.execute(select(Assignment.user_id, Assignment.requested_on)).all()
    assert sorted(rows) == sorted((staff[k].id, clock.today()) for k in ("sales1", "sales2"))
    assert _pending(session, clock, staff["sales1"]) == ["sales"]
    assert _pending(session, clock, staff["fin1"]) == []
    # The finance assignments are kept in the history, never deleted: 2 open + 2 ended = 4 before.
    history = session.execute(select(AssignmentHistory.user_id, AssignmentHistory.department, AssignmentHistory.reason,
                                     AssignmentHistory.ended_on)).all()
    assert sorted(history) == sorted((staff[k].id, "财务部", "not_applicable", clock.today()) for k in ("fin1", "fin2"))
    assert before == len(rows) + len(history)
    current = session.scalar(select(Regulation.current_version_id))
    assert departments_of(session, current) == ("销售部",)


def test_new_people_are_assigned_only_where_the_version_applies(
    session: Session, clock: FixedClock, staff: dict[str, Any], document: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    _publish(session, clock, "2026.2", document("sales", "销售管理制度", REVISED), departments={"sales": ("销售部",)})
    newcomer_sales, newcomer_fin = make_user("钱七", department="销售部"), make_user("孙八", department="财务部")
    assert newcomer_sales.id in _assigned(session) and newcomer_fin.id not in _assigned(session)
    add_rule(session, clock, NewRule("department", "财务部", None, 10))  # a rule does not override applicability
    session.commit()
    assert newcomer_fin.id not in _assigned(session)


def test_the_next_version_keeps_the_departments_unless_hr_changes_them(
    session: Session, clock: FixedClock, staff: dict[str, Any], document: Callable[..., Any], record_signer: Any
) -> None:
    _publish(session, clock, "2026.2", document("sales", "销售管理制度", REVISED), departments={"sales": ("销售部",)})
    second = session.scalar(select(Regulation.current_version_id))
    assert second is not None
    signer = staff["sales1"]
    sign(session, clock, SignRequest(signer.id, second, True, signer.name, "127.0.0.1", "t"), signer=record_signer)
    session.commit()
    third = ["销售人员应遵守合同，不得私自改价。", "回款须在十日内完成。"]
    [kept] = _publish(session, clock, "2026.3", document("sales", "销售管理制度", third)).documents
    assert kept.departments == ("销售部",) and not kept.scope_changed and (kept.asked_again, kept.ended) == (1, 0)
    assert staff["fin1"].id not in _assigned(session)
    # Back to every department: finance is asked to sign the version in force (their old signature is outdated).
    [wide] = _publish(session, clock, "2026.4", document("sales", "销售管理制度", third), departments={"sales": ()}).documents
    assert wide.status == "unchanged" and wide.departments == () and wide.scope_changed
    assert _assigned(session) == {u.id for u in staff.values()}
    assert _pending(session, clock, staff["fin1"]) == ["sales"]
    assert _pending(session, clock, staff["sales1"]) == ["sales"]  # still unsigned since 2026.2, not done by this


def test_changing_only_the_departments_makes_a_version_that_asks_nobody_again(
    session: Session, clock: FixedClock, staff: dict[str, Any], document: Callable[..., Any]
) -> None:
    old = session.scalars(select(RegulationVersion)).one()
    [result] = _publish(session, clock, "2026.2", document("sales", "销售管理制度", ORIGINAL),
                        departments={"sales": ("财务部",)}).documents
    assert (result.status, result.asked_again, result.ended, result.scope_changed) == ("unchanged", 0, 2, True)
    current = session.get(RegulationVersion, session.scalar(select(Regulation.current_version_id)))
    assert current is not None and current.id != old.id
    assert (current.content_sha256, current.document_json, current.baseline_version_id, current.substantive) == (
        old.content_sha256, old.document_json, old.baseline_version_id, False)  # same text, anchors, signatures
    assert departments_of(session, old.id) == () and departments_of(session, current.id) == ("财务部",)
    assert [i.state for i in my_handbook(session, staff["fin1"], clock.today())] == ["done"]
    assert my_handbook(session, staff["sales1"], clock.today()) == []


def test_a_transfer_follows_the_departments_of_the_version_in_force(
    session: Session, clock: FixedClock, staff: dict[str, Any], document: Callable[..., Any]
) -> None:
    _publish(session, clock, "2026.2", document("sales", "销售管理制度", REVISED), departments={"sales": ("销售部",)})
    mover_out, mover_in = staff["sales2"], staff["fin2"]
    update_profile(session, clock, mover_out, dataclasses.replace(Profile.of(mover_out), department="财务部"), actor=None)
    update_profile(session, clock, mover_in, dataclasses.replace(Profile.of(mover_in), department="销售部"), actor=None)
    session.commit()
    assert _assigned(session) == {staff["sales1"].id, mover_in.id}
    ended = session.execute(select(AssignmentHistory.department, AssignmentHistory.reason)
                            .where(AssignmentHistory.user_id == mover_out.id)).all()
    assert ended == [("销售部", "transfer")]
    assert _pending(session, clock, mover_in) == ["sales"]


def test_a_regulation_for_nobody_else_leaves_other_regulations_alone(
    session: Session, clock: FixedClock, staff: dict[str, Any], document: Callable[..., Any]
) -> None:
    _publish(session, clock, "2026.2", document("meetings", "会议管理制度", ["会议须有纪要。"]),
             departments={"meetings": ("财务部",)})
    meetings = session.scalar(select(Regulation.id).where(Regulation.slug == "meetings"))
    assert set(session.scalars(select(Assignment.user_id).where(Assignment.regulation_id == meetings))) == {
        staff["fin1"].id, staff["fin2"].id}
    sales = session.scalar(select(Regulation.id).where(Regulation.slug == "sales"))
    assert len(session.scalars(select(Assignment.id).where(Assignment.regulation_id == sales)).all()) == 4
    assert session.scalar(select(func.count(AssignmentHistory.id))) == 0


SALES_TEXT = "销售管理制度\n第一章 总则\n第一条 销售人员应遵守合同，不得私自改价。\n第二条 回款须在十五日内完成。\n"


def _draft(session: Session, clock: FixedClock, tmp_path: Path, author: User) -> drafts.Draft:
    source = tmp_path / "销售管理制度.txt"
    source.write_text(SALES_TEXT, encoding="utf-8")
    draft = drafts.create_draft(session, clock, drafts.NewDraft("2026.2", clock.today()), author)
    drafts.import_into_draft(session, draft.id, [source])
    session.commit()
    return draft


def test_hr_chooses_the_departments_in_the_draft_and_the_choice_is_audited(
    session: Session, clock: FixedClock, staff: dict[str, Any], make_user: Callable[..., Any], tmp_path: Path
) -> None:
    hr = make_user("人事", roles={Role.HR}, department="人力资源部")
    draft = _draft(session, clock, tmp_path, hr)
    [before] = drafts.applicability(session, draft).values()
    assert (before.departments, before.in_force, before.chosen, before.people, before.ending) == ((), (), False, 5, 0)
    known = set(known_targets(session)[0])
    with pytest.raises(ValidationFailed) as refused:
        drafts.set_departments(session, clock, draft, "销售管理制度", ("销售",), known, hr)
    assert refused.value.user_message == "没有名为“销售”的部门（只能选择已有人员的部门）。"
    with pytest.raises(ValidationFailed):
        drafts.set_departments(session, clock, draft, "别的制度", ("销售部",), known, hr)
    with pytest.raises(ValidationFailed) as nothing_ticked:
        drafts.parse_choice("some", [" "])
    assert nothing_ticked.value.user_message == "请至少选择一个部门，或选择“全部部门”。"
    with pytest.raises(ValidationFailed):
        drafts.parse_choice("<script>", ["销售部"])
    assert drafts.parse_choice("all", ["销售部"]) == () and drafts.parse_choice("some", ["财务部", "销售部"]) == ("财务部", "销售部")
    drafts.set_departments(session, clock, draft, "销售管理制度", ("销售部", " 销售部"), known, hr)
    session.commit()
    after = drafts.applicability(session, draft)["销售管理制度"]  # the preview: 2 people; finance and HR tasks end
    assert (after.departments, after.changed, after.chosen, after.people, after.ending) == (("销售部",), True, True, 2, 3)
    assert drafts.publish_departments(session, draft) == {"sales": ("销售部",)}  # keyed by the regulation it revises
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "draft_departments")).one()
    assert (event.actor_id, event.target, event.detail) == (hr.id, "版本 2026.2", "《销售管理制度》适用范围：销售部")
    drafts.submit(session, clock, draft, "回款期限缩短", False, hr)
    with pytest.raises(PublishRefused):  # the approver approves what HR submitted
        drafts.set_departments(session, clock, draft, "销售管理制度", (), known, hr)
