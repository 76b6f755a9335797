"""Rules chosen from what exists, previewed before saving, with a fixed date; onboarding lists in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.assignments.models import Assignment, AssignmentRule
from portal.assignments.services import NewRule, add_rule
from portal.auth.models import User
from portal.clock import FixedClock
from portal.onboarding.services import onboarding_of, recent_hires
from portal.releases.models import Regulation


def _publish(session: Session, publish: Callable[..., Any], document: Callable[..., Any]) -> dict[str, int]:
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]), document("conduct", "员工守则", ["乙。"]))
    return {r.slug: r.id for r in session.scalars(select(Regulation)).all()}


def _tasks(session: Session) -> int:
    return int(session.scalar(select(func.count(Assignment.id))) or 0)


def test_the_rule_form_offers_only_existing_departments_and_roles_with_head_counts(
    client: FlaskClient, session: Session, make_user: Callable[..., User], login: Callable[[User], Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    _publish(session, publish, document)
    login(make_user("人事", roles={Role.HR}, department="人力资源部"))
    make_user("甲", department="销售部")
    make_user("乙", department="销售部")
    page = client.get("/hr/rules").get_data(as_text=True)
    assert "销售部（2 人）" in page and "人力资源部（1 人）" in page and "部门经理" not in page  # nobody is a manager


def test_a_misspelled_department_is_refused_and_creates_nothing(
    client: FlaskClient, session: Session, make_user: Callable[..., User], login: Callable[[User], Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    _publish(session, publish, document)
    login(make_user("人事", roles={Role.HR}, department="人力资源部"))
    make_user("甲", department="销售部")
    answer = client.post("/hr/rules", data={"regulation_id": "0", "target": "department:销售", "due_days": "30",
                                            "action": "save"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "没有名为“销售”的部门" in page and "Not a valid" not in page
    assert session.scalars(select(AssignmentRule)).all() == [] and _tasks(session) == 0
    for bad in ({"regulation_id": "abc"}, {"regulation_id": str(10**12)}, {"target": "nonsense"}):
        answer = client.post("/hr/rules", data={"regulation_id": "0", "target": "all:", "due_days": "30", "action": "save", **bad})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "请" in page and "Not a valid" not in page and "Invalid Choice" not in page
    assert _tasks(session) == 0


def test_the_preview_names_who_will_be_assigned_and_saving_creates_their_tasks_with_the_fixed_date(
    client: FlaskClient, session: Session, clock: FixedClock, make_user: Callable[..., User], login: Callable[[User], Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    ids = _publish(session, publish, document)
    login(make_user("人事", roles={Role.HR}, department="人力资源部"))
    make_user("王芳", department="销售部")
    make_user("赵强", department="销售部")
    make_user("孙丽", department="财务部")
    form = {"regulation_id": str(ids["sales"]), "target": "department:销售部", "due_on": "2026-06-30"}
    page = client.post("/hr/rules", data={**form, "action": "preview"}).get_data(as_text=True)
    assert "将分配给 2 人" in page and "新增 2 项签署任务" in page and "王芳" in page and "孙丽" not in page
    assert _tasks(session) == 0  # a preview saves nothing
    saved = client.post("/hr/rules", data={**form, "action": "save"}, follow_redirects=True)
    assert "规则已保存，新增 2 项签署任务。" in saved.get_data(as_text=True)
    session.expire_all()
    assert set(session.scalars(select(Assignment.due_on)).all()) == {dt.date(2026, 6, 30)}
    assert _tasks(session) == 2


def test_a_rule_with_both_days_and_a_date_is_refused(
    client: FlaskClient, session: Session, make_user: Callable[..., User], login: Callable[[User], Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    _publish(session, publish, document)
    login(make_user("人事", roles={Role.HR}, department="人力资源部"))
    answer = client.post("/hr/rules", data={"regulation_id": "0", "target": "all:", "due_days": "30", "due_on": "2026-06-30",
                                            "action": "save"})
    assert "只能填写一项" in answer.get_data(as_text=True) and _tasks(session) == 0


def test_a_new_hires_list_follows_hrs_reading_order_with_the_new_hire_deadline(
    client: FlaskClient, session: Session, clock: FixedClock, make_user: Callable[..., User], login: Callable[[User], Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    ids = _publish(session, publish, document)
    add_rule(session, clock, NewRule("all", "", ids["sales"], 30))
    add_rule(session, clock, NewRule("all", "", ids["conduct"], 30, read_order=1))
    session.commit()
    hire = make_user("新人", department="销售部", hire_date=clock.today())
    plan = onboarding_of(session, hire, clock.today())
    assert [i.item.regulation.slug for i in plan.items] == ["conduct", "sales"]
    assert plan.deadline == clock.today() + dt.timedelta(days=14) and (plan.done, plan.total) == (0, 2)
    login(hire)
    page = client.get("/my/onboarding").get_data(as_text=True)
    assert page.index("员工守则") < page.index("销售管理制度") and "已完成 0 / 2 项" in page


def test_hr_sees_every_recent_hire_and_where_each_stands(
    client: FlaskClient, session: Session, clock: FixedClock, make_user: Callable[..., User], login: Callable[[User], Any],
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    ids = _publish(session, publish, document)
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    make_user("新人甲", department="销售部", hire_date=clock.today() - dt.timedelta(days=3))
    make_user("老员工", department="销售部", hire_date=dt.date(2019, 1, 1))
    assert [p.user.name for p in recent_hires(session, clock.today(), 30)] == ["新人甲"]
    login(make_user("人事", roles={Role.HR}, department="人力资源部", hire_date=dt.date(2018, 1, 1)))
    page = client.get("/hr/onboarding").get_data(as_text=True)
    assert "新人甲" in page and "老员工" not in page and "0/2" in page
    assert ids  # both regulations are on the list
