"""Drafts: nothing is in force before approval; four eyes; matches by title; the importer's reason kept."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import HandbookError, ValidationFailed
from portal.access import Role
from portal.clock import FixedClock
from portal.errors import PublishRefused
from portal.releases import drafts
from portal.releases.models import Draft, ReleaseRecord

SALES = "销售管理制度\n第一章 总则\n第一条 为规范销售行为，特制定本制度。\n第二条 回款须在三十日内完成。\n"


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "hr": make_user("人事", roles={Role.HR}),
        "approver": make_user("审批", roles={Role.APPROVER}),
        "hr_approver": make_user("人事兼审批", roles={Role.HR, Role.APPROVER}),
    }


def _imported(session: Session, clock: FixedClock, tmp_path: Path, author: Any, text: str = SALES) -> Draft:
    source = tmp_path / "销售管理制度.txt"
    source.write_text(text, encoding="utf-8")
    draft = drafts.create_draft(session, clock, drafts.NewDraft("2026.2", clock.today()), author)
    drafts.import_into_draft(session, draft.id, [source])
    session.commit()
    return draft


def test_an_imported_draft_is_matched_by_title_and_nothing_is_in_force(
    session: Session, clock: FixedClock, tmp_path: Path, people: dict[str, Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    publish("2026.1", dataclasses.replace(document("sales-old", "销售管理制度", ["回款须在三十日内完成。"])))
    draft = _imported(session, clock, tmp_path, people["hr"])
    assert draft.status == "draft"
    release = drafts.draft_release(session, draft)
    assert [d.slug for d in release.documents] == ["sales-old"]  # revises the regulation of the same title
    assert [p.status for p in drafts.plan_of(session, draft)] == ["substantive"]
    assert session.scalars(select(ReleaseRecord.version)).all() == ["2026.1"]

    drafts.set_match(session, draft, "销售管理制度", "")  # HR: this is a new regulation
    assert [d.slug for d in drafts.draft_release(session, draft).documents] == ["销售管理制度"]
    assert [p.status for p in drafts.plan_of(session, draft)] == ["new"]


def test_approval_needs_a_second_person_with_the_right(
    session: Session, clock: FixedClock, tmp_path: Path, people: dict[str, Any]
) -> None:
    draft = _imported(session, clock, tmp_path, people["hr_approver"])
    with pytest.raises(ValidationFailed):
        drafts.submit(session, clock, draft, "  ", False, people["hr_approver"])
    drafts.submit(session, clock, draft, "新增销售制度", False, people["hr_approver"])
    with pytest.raises(PublishRefused):  # the author, although an approver
        drafts.approve(session, clock, draft, people["hr_approver"], allow_self=False)
    with pytest.raises(PublishRefused):  # HR without the approver right
        drafts.approve(session, clock, draft, people["hr"], allow_self=False)
    with pytest.raises(ValidationFailed):
        drafts.reject(session, clock, draft, people["approver"], "", allow_self=False)
    drafts.reject(session, clock, draft, people["approver"], "第二条期限请与财务确认", allow_self=False)
    assert draft.status == "rejected" and "财务" in draft.comment
    drafts.submit(session, clock, draft, "新增销售制度（已与财务确认）", False, people["hr_approver"])
    drafts.approve(session, clock, draft, people["approver"], allow_self=False)
    assert draft.status == "approved" and draft.approved_by_id == people["approver"].id


def test_self_approval_when_the_company_allows_it(
    session: Session, clock: FixedClock, tmp_path: Path, people: dict[str, Any]
) -> None:
    draft = _imported(session, clock, tmp_path, people["hr_approver"])
    drafts.submit(session, clock, draft, "小公司自行批准", False, people["hr_approver"])
    drafts.approve(session, clock, draft, people["hr_approver"], allow_self=True)
    assert draft.status == "approved"


def test_an_editorial_declaration_over_a_substantive_change_is_refused(
    session: Session, clock: FixedClock, tmp_path: Path, people: dict[str, Any]
) -> None:
    draft = _imported(session, clock, tmp_path, people["hr"])
    with pytest.raises(ValidationFailed, match="substantive"):
        drafts.submit(session, clock, draft, "只是文字", True, people["hr"])


def test_a_refused_file_fails_the_draft_with_the_importers_reason(
    session: Session, clock: FixedClock, tmp_path: Path, people: dict[str, Any]
) -> None:
    bad = tmp_path / "制度.docx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    draft = drafts.create_draft(session, clock, drafts.NewDraft("2026.2", dt.date(2026, 7, 1)), people["hr"])
    session.commit()
    with pytest.raises(HandbookError) as caught:
        drafts.import_into_draft(session, draft.id, [bad])
    session.refresh(draft)
    assert draft.status == "failed" and draft.comment == caught.value.user_message and "制度.docx" in draft.comment


def test_a_future_effective_date_waits_and_switches_when_the_clock_passes_it(
    session: Session, clock: FixedClock, tmp_path: Path, people: dict[str, Any], app: Any,
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    from portal.releases.tasks import publish_due_drafts
    from portal.tasks.models import Task
    from portal.tasks.queue import build_queue

    publish("2026.1", document("销售管理制度", "销售管理制度", ["回款须在三十日内完成。"]))
    source = tmp_path / "销售管理制度.txt"
    source.write_text(SALES, encoding="utf-8")
    effective = clock.today() + dt.timedelta(days=3)
    draft = drafts.create_draft(session, clock, drafts.NewDraft("2026.2", effective), people["hr"])
    drafts.import_into_draft(session, draft.id, [source])
    drafts.submit(session, clock, draft, "三日后生效", False, people["hr"])
    drafts.approve(session, clock, draft, people["approver"], allow_self=False)
    session.commit()
    assert draft.status == "scheduled"  # the version in force stays until that day

    queue = build_queue(app.config)  # the real queue (SQLite storage under the test's root)
    publish_due_drafts(session, clock, queue)
    assert draft.status == "scheduled" and not session.scalars(select(Task).where(Task.kind == "publish_draft")).all()

    clock.advance(dt.timedelta(days=3))  # the day comes: nobody acts
    publish_due_drafts(session, clock, queue)
    session.commit()
    [task] = session.scalars(select(Task).where(Task.kind == "publish_draft")).all()
    assert draft.status == "approved" and draft.task_id == task.id and task.status == "queued"
    publish_due_drafts(session, clock, queue)  # a second sweep queues nothing more
    assert len(session.scalars(select(Task).where(Task.kind == "publish_draft")).all()) == 1


def test_an_import_past_its_limits_fails_the_draft_with_the_reason(
    session: Session, clock: FixedClock, tmp_path: Path, people: dict[str, Any]
) -> None:
    from portal.tasks.isolation import MIB, LimitExceeded, Limits

    source = tmp_path / "销售管理制度.txt"
    source.write_text(SALES, encoding="utf-8")
    draft = drafts.create_draft(session, clock, drafts.NewDraft("2026.2", clock.today()), people["hr"])
    session.commit()
    with pytest.raises(LimitExceeded):  # no child process starts and imports within 10 ms
        drafts.import_into_draft(session, draft.id, [source], Limits(2048 * MIB, 0.01))
    session.refresh(draft)
    assert draft.status == "failed" and "处理时间超过上限" in draft.comment
    again = drafts.create_draft(session, clock, drafts.NewDraft("2026.3", clock.today()), people["hr"])
    drafts.import_into_draft(session, again.id, [source], Limits(2048 * MIB, 120))
    assert again.status == "draft" and len(drafts.draft_release(session, again).documents) == 1
