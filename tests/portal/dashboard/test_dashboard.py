"""HR's dashboard: counts by department × regulation, drill-down, filters, exports, reminders."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.services import SignRequest, sign
from portal.assignments.models import Assignment
from portal.assignments.services import NewRule, add_rule
from portal.auth.models import User
from portal.clock import FixedClock
from portal.exports import neutralise
from portal.releases.models import Regulation
from portal.signing_status import counters
from portal.signing_status.queries import DashboardFilter, completion_matrix
from tests.portal.conftest import Inbox


@pytest.fixture
def office(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
           document: Callable[..., Any]) -> dict[str, Any]:
    """Two regulations; 销售部 (3 people) and 市场部 (2 people); some signatures, one overdue."""
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]), document("meetings", "会议管理制度", ["乙。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    people = {
        "a": make_user("甲一", department="销售部"),
        "b": make_user("=HYPERLINK(\"http://x\")", department="销售部", hire_date=dt.date(2026, 2, 20)),
        "c": make_user("丙三", department="销售部", email="c@example.com"),
        "d": make_user("丁四", department="市场部"),
        "e": make_user("戊五", department="市场部"),
    }
    hr = make_user("人事", roles={Role.HR}, department="人力资源部")
    regulations = {r.slug: r for r in session.scalars(select(Regulation)).all()}
    for key, slugs in {"a": ["sales", "meetings"], "d": ["sales"], "e": ["sales", "meetings"]}.items():
        for slug in slugs:
            sign(session, clock, SignRequest(people[key].id, regulations[slug].current_version_id or 0, True, people[key].name, "1.1.1.1", "t"), signer=record_signer)
    session.execute(update(Assignment).where(Assignment.user_id == people["c"].id).values(due_on=clock.today() - dt.timedelta(days=1)))
    counters.rebuild(session)  # the due date was moved behind the services' back
    session.commit()
    return {"people": people, "hr": hr, "regulations": regulations}


def test_matrix_counts_assigned_signed_and_overdue_per_cell(session: Session, clock: FixedClock, office: dict[str, Any]) -> None:
    matrix = completion_matrix(session, DashboardFilter(), clock.today())
    sales, meetings = office["regulations"]["sales"].id, office["regulations"]["meetings"].id
    cell = matrix.cell("销售部", sales)
    assert cell is not None and (cell.assigned, cell.signed, cell.overdue) == (3, 1, 1)
    cell = matrix.cell("市场部", meetings)
    assert cell is not None and (cell.assigned, cell.signed, cell.overdue) == (2, 1, 0)
    assert matrix.total.assigned == 12  # 6 people (HR included) × 2 regulations
    assert matrix.total.signed == 5


def test_filters_narrow_by_department_regulation_and_hire_date(session: Session, clock: FixedClock, office: dict[str, Any]) -> None:
    sales = office["regulations"]["sales"].id
    only_market = completion_matrix(session, DashboardFilter(department="市场部", regulation_id=sales), clock.today())
    assert only_market.departments == ("市场部",)
    assert [r[0] for r in only_market.regulations] == [sales]
    recent = completion_matrix(session, DashboardFilter(hired_from=dt.date(2026, 2, 1)), clock.today())
    assert recent.total.assigned == 2  # only 乙 has a hire date in range


def test_dashboard_page_shows_the_chart_and_drills_down(client: FlaskClient, login: Callable[..., Any], office: dict[str, Any]) -> None:
    login(office["hr"])
    page = client.get("/hr/dashboard/").get_data(as_text=True)
    assert "<svg" in page and "各部门完成率" in page
    assert "1/3" in page
    sales = office["regulations"]["sales"].id
    drill = client.get(f"/hr/dashboard/people?department=销售部&regulation_id={sales}&only=unsigned").get_data(as_text=True)
    assert "丙三" in drill and "甲一" not in drill
    assert "&lt;" not in drill or "=HYPERLINK" in drill
    overdue = client.get("/hr/dashboard/people?only=overdue").get_data(as_text=True)
    assert "丙三" in overdue and "已逾期" in overdue and "OVERDUE" not in overdue


def test_manager_sees_only_their_department(client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any],
                                            office: dict[str, Any]) -> None:
    login(make_user("经理", roles={Role.MANAGER}, department="市场部"))
    page = client.get("/hr/dashboard/?department=销售部").get_data(as_text=True)
    assert "市场部" in page and "销售部" not in page.split("部门 × 制度")[1]
    assert client.post("/hr/dashboard/remind").status_code == 403


def test_xlsx_export_has_both_sheets_and_neutralises_formulas(client: FlaskClient, login: Callable[..., Any], office: dict[str, Any]) -> None:
    login(office["hr"])
    response = client.get("/hr/dashboard/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["完成情况", "逾期名单"]
    rows = list(workbook["完成情况"].iter_rows(values_only=True))
    assert rows[0][0] == "部门" and ("销售部", "销售管理制度", "2026.1", 3, 1, 2, 1, 33.3) in rows
    detail = client.get("/hr/dashboard/export.xlsx?kind=all")
    names = [r[1] for r in load_workbook(io.BytesIO(detail.data)).active.iter_rows(values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in names


def test_csv_export_is_utf8_with_bom_and_audited(client: FlaskClient, login: Callable[..., Any], office: dict[str, Any],
                                                 session: Session) -> None:
    from portal.audit.models import AuditEvent

    login(office["hr"])
    response = client.get("/hr/dashboard/export.csv?kind=unsigned")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][0] == "工号" and len(rows) == 1 + 7
    assert session.scalar(select(AuditEvent.target).where(AuditEvent.action == "export")) == "签署情况（未签署）.csv"


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx"])
def test_formula_triggers_get_an_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value


def test_hr_sends_reminders_to_overdue_people_over_smtp(make_app: Callable[..., Any], office: dict[str, Any],
                                                        smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    app = make_app(SMTP_PORT=port, MAIL_FROM="hr@example.com")
    client = app.test_client()
    client.post("/login", data={"employee_no": office["hr"].employee_no, "password": "correct-horse-42"})
    response = client.post("/hr/dashboard/remind", follow_redirects=True)
    assert "已向 1 人发送提醒邮件" in response.get_data(as_text=True)
    assert inbox.received.wait(5)
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["c@example.com"]
    body = envelope.content.decode("utf-8", "replace")
    assert "Subject:" in body


def test_remind_command_mails_everyone_overdue(runner: Any, app: Any, office: dict[str, Any], smtp_server: tuple[Inbox, int],
                                               tmp_path: Any) -> None:
    from email import message_from_bytes
    from email.policy import default

    from cli.main import main

    inbox, port = smtp_server
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port)}
    result = runner.invoke(main, ["--root", str(tmp_path), "remind"], env=env)
    assert result.exit_code == 0, result.output
    # The command runs on the real clock, months after the fixture's: every unsigned item is overdue.
    assert "已发送 4 封提醒" in result.output
    assert sorted(e.rcpt_tos[0] for e in inbox.messages) == sorted(
        [*(office["people"][k].email for k in ("b", "c", "d")), office["hr"].email]
    )
    first = next(e for e in inbox.messages if e.rcpt_tos == ["c@example.com"])
    message = message_from_bytes(first.content, policy=default)
    assert "逾期未签署" in str(message["Subject"])
    assert "《销售管理制度》" in message.get_content()


@pytest.mark.parametrize("department, expected", [("", set()), ("市场部", {"丁四", "戊五", "经理"})])
def test_a_manager_sees_exactly_their_department_and_one_without_sees_nobody(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], office: dict[str, Any],
    session: Session, department: str, expected: set[str],
) -> None:
    # Issue 9, finding 1: a manager whose department was empty saw the whole company (285 people, e-mails).
    manager = make_user("经理", roles={Role.MANAGER}, department=department or "待删除")
    if not department:  # no new manager lacks a department; an account from before that rule may
        session.execute(update(User).where(User.id == manager.id).values(department=""))
        counters.rebuild(session)
        session.commit()
    login(manager)
    for path in ("/hr/dashboard/export.csv?kind=all", "/hr/dashboard/export.csv?kind=all&department=销售部"):
        rows = list(csv.reader(client.get(path).get_data(as_text=True).lstrip("\ufeff").splitlines()))[1:]
        assert {row[1] for row in rows} == expected, path
    people = client.get("/hr/dashboard/people?department=销售部").get_data(as_text=True)
    assert "甲一" not in people and "丙三" not in people
