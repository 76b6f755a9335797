"""Periodic re-attestation: a yearly re-sign comes due when the clock moves, without a new version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.models import Acknowledgement
from portal.acks.services import SignRequest, sign
from portal.assignments.models import Assignment, AssignmentHistory, AssignmentRule
from portal.assignments.services import NewRule, add_rule, my_handbook
from portal.clock import FixedClock
from portal.lifecycle.daily import run_daily
from portal.lifecycle.models import RegulationCare, RuleReattestation
from portal.releases.models import Regulation, RegulationVersion
from portal.signing_status.queries import DashboardFilter, completion_matrix, status_rows
from portal.tasks.consumer import run_periodic
from portal.tasks.models import Task
from portal.tasks.queue import build_queue
from portal.tasks.runner import Runner
from tests.portal.conftest import PASSWORD


@pytest.fixture
def office(session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
           document: Callable[..., Any], record_signer: Any) -> dict[str, Any]:
    """保密 must be re-signed every 12 months, 销售 never; 甲 signs both on the first day, 乙 signs nothing."""
    publish("2026.1", document("secrets", "保密管理制度", ["员工应保守商业秘密。"]),
            document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    secrets = session.scalars(select(Regulation).where(Regulation.slug == "secrets")).one()
    session.add(RegulationCare(regulation_id=secrets.id, owner_department="", review_months=12, reattest_months=12))
    session.commit()
    a, b = make_user("甲一"), make_user("乙二")
    for version in session.scalars(select(RegulationVersion)):
        sign(session, clock, SignRequest(a.id, version.id, True, a.name, "10.0.0.1", "test"), signer=record_signer)
    session.commit()
    return {"a": a, "b": b, "secrets": secrets}


def counted(session: Session, regulation_id: int, today: dt.date) -> tuple[int, int]:
    matrix = completion_matrix(session, DashboardFilter(), today)
    totals = matrix.by_regulation(regulation_id)
    return totals.assigned, totals.signed


def test_nobody_is_asked_again_before_the_year_is_out(session: Session, clock: FixedClock, office: dict[str, Any]) -> None:
    clock.advance(dt.timedelta(days=364))
    assert run_daily(session, clock, None, "").rounds_opened == 0
    assert counted(session, office["secrets"].id, clock.today()) == (2, 1)


def test_a_year_after_signing_the_person_is_asked_again_and_the_dashboard_counts_the_new_period(
        session: Session, clock: FixedClock, office: dict[str, Any], record_signer: Any) -> None:
    clock.advance(dt.timedelta(days=365))  # 2027-03-02: twelve months after 甲 signed
    outcome = run_daily(session, clock, None, "")
    assert outcome.rounds_opened == 1  # 甲 on 保密 only: 乙 never signed, 销售 has no re-attestation
    session.expire_all()
    assignment = session.scalars(select(Assignment).where(Assignment.user_id == office["a"].id,
                                                          Assignment.regulation_id == office["secrets"].id)).one()
    assert assignment.signed_since == clock.now().replace(tzinfo=None)
    assert (assignment.requested_on, assignment.due_on) == (clock.today(), clock.today() + dt.timedelta(days=30))
    [past] = session.scalars(select(AssignmentHistory)).all()
    assert (past.user_id, past.reason, past.requested_on, past.ended_on) == (office["a"].id, "reattest", dt.date(2026, 3, 2), clock.today())
    assert counted(session, office["secrets"].id, clock.today()) == (2, 0)  # the old signature no longer counts
    rows = {(r.name, r.regulation): r.state(clock.today()) for r in status_rows(session, DashboardFilter(), clock.today())}
    assert rows[("甲一", "保密管理制度")] == "待签署" and rows[("甲一", "销售管理制度")] == "已签署"
    [item] = [i for i in my_handbook(session, office["a"], clock.today()) if i.regulation.slug == "secrets"]
    assert (item.state, item.reattest, item.signed_before) == ("pending", True, None)  # same text: no "revised" line
    assert run_daily(session, clock, None, "").rounds_opened == 0  # the same day again: nothing more

    version = session.get(RegulationVersion, office["secrets"].current_version_id)
    assert version is not None
    sign(session, clock, SignRequest(office["a"].id, version.id, True, "甲一", "10.0.0.1", "test"), signer=record_signer)
    session.commit()
    assert counted(session, office["secrets"].id, clock.today()) == (2, 1)
    signatures = session.scalars(select(Acknowledgement.signed_at).where(
        Acknowledgement.user_id == office["a"].id, Acknowledgement.regulation_id == office["secrets"].id)).all()
    assert len(signatures) == 2  # history keeps every attestation

    clock.at = clock.at.replace(year=2028, month=3, day=1)  # 2028 is a leap year: 365 days are not a year yet
    assert run_daily(session, clock, None, "").rounds_opened == 0
    clock.at = clock.at.replace(day=2)  # twelve calendar months after the second signature
    assert run_daily(session, clock, None, "").rounds_opened == 1
    assert session.scalar(select(func.count()).select_from(AssignmentHistory)) == 2


def test_the_reader_signs_again_on_the_reading_page(make_app: Callable[..., Flask], session: Session, clock: FixedClock,
                                                    office: dict[str, Any]) -> None:
    app = make_app()
    clock.advance(dt.timedelta(days=366))
    run_daily(session, clock, None, "")
    client = app.test_client()
    client.post("/login", data={"employee_no": office["a"].employee_no, "password": PASSWORD})
    page = client.get("/regulations/secrets").get_data(as_text=True)
    assert "定期重新确认" in page and "确认签署" in page and "本次修订的变化" not in page
    assert "定期重新确认" in client.get("/my").get_data(as_text=True)
    version = session.get(RegulationVersion, office["secrets"].current_version_id)
    assert version is not None
    response = client.post("/regulations/secrets/sign", data={"version_id": str(version.id), "confirm": "y", "full_name": "甲一"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/my/signatures/")
    page = client.get("/regulations/secrets").get_data(as_text=True)
    assert "定期重新确认" not in page and "您已于" in page
    second = client.post("/regulations/secrets/sign", data={"version_id": str(version.id), "confirm": "y", "full_name": "甲一"})
    assert second.status_code == 302  # a second one in the same round is refused (already signed)
    assert session.scalar(select(func.count()).select_from(Acknowledgement).where(
        Acknowledgement.user_id == office["a"].id, Acknowledgement.regulation_id == office["secrets"].id)) == 2


def test_the_consumer_queues_the_daily_run_once_a_day(make_app: Callable[..., Flask], clock: FixedClock,
                                                      office: dict[str, Any], session: Session) -> None:
    app = make_app()
    clock.advance(dt.timedelta(days=366))
    runner, queue = Runner(app), build_queue(app.config)
    for _ in range(2):  # two sweeps the same day (or two hosts): one run
        run_periodic(runner, queue)
    jobs = list(session.scalars(select(Task).where(Task.kind == "lifecycle_daily")))
    assert len(jobs) == 1
    runner(jobs[0].id)
    session.expire_all()
    job = session.get(Task, jobs[0].id)
    assert job is not None and job.status == "done"
    assert "重新确认 1 人次" in (job.message or "")
    assert session.scalar(select(func.count()).select_from(AssignmentHistory).where(AssignmentHistory.reason == "reattest")) == 1


def test_a_rule_asks_its_people_again_and_the_shorter_cycle_wins(
        make_app: Callable[..., Flask], session: Session, clock: FixedClock, office: dict[str, Any],
        make_user: Callable[..., Any]) -> None:
    """销售 has no cycle of its own; HR gives the rule (everyone, every regulation) six months."""
    app = make_app()
    hr = make_user("何人事", roles={Role.HR}, department="人力资源部")
    client = app.test_client()
    client.post("/login", data={"employee_no": hr.employee_no, "password": PASSWORD})
    [rule] = session.scalars(select(AssignmentRule)).all()
    bad = client.post("/hr/lifecycle/rules", data={"rule_id": str(rule.id), "months": "半年"})
    assert bad.status_code == 400 and "重新确认周期须为 0 至 120 之间的整数。" in bad.get_data(as_text=True)
    assert client.post("/hr/lifecycle/rules", data={"rule_id": "99999", "months": "6"}).status_code == 404
    assert client.post("/hr/lifecycle/rules", data={"rule_id": str(rule.id), "months": "6"}).status_code == 302
    assert "全部制度" in client.get("/hr/lifecycle").get_data(as_text=True)

    clock.at = clock.at.replace(month=9, day=1)  # 2026-09-01: six months minus a day
    assert run_daily(session, clock, None, "").rounds_opened == 0
    clock.at = clock.at.replace(day=2)  # six months after 甲 signed both: both are asked again (12 > 6 for 保密)
    assert run_daily(session, clock, None, "").rounds_opened == 2
    reasons = session.scalars(select(AssignmentHistory.regulation_id).where(AssignmentHistory.reason == "reattest")).all()
    assert sorted(reasons) == sorted(r.id for r in session.scalars(select(Regulation)))

    assert client.post("/hr/lifecycle/rules", data={"rule_id": str(rule.id), "months": "0"}).status_code == 302
    assert session.scalar(select(func.count()).select_from(RuleReattestation)) == 0
