"""Access by data: every list and export, for every kind of account, returns exactly the rows it may see.

The route walk (test_routes.py) checks who may open a page; this checks what the
page then holds.  Each person of the world has a name found nowhere else, so the
rows a list returns are the names it shows: a CSV or Excel export is read cell by
cell, a page by its text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.services import SignRequest, sign
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock, naive_utc
from portal.formsdesk.models import FormDocument
from portal.releases.models import RegulationVersion
from portal.signing_status import counters
from tests.portal.conftest import PASSWORD

# name → (department, role); the names are the rows.
STAFF = {
    "销售甲": ("销售部", Role.EMPLOYEE), "销售乙": ("销售部", Role.EMPLOYEE),
    "市场丙": ("市场部", Role.EMPLOYEE), "财务丁": ("财务部", Role.EMPLOYEE),
}
ACCOUNTS = {
    "销售经理": ("销售部", Role.MANAGER), "市场经理": ("市场部", Role.MANAGER), "无部门经理": ("", Role.MANAGER),
    "人事专员": ("人力资源部", Role.HR), "审批人员": ("法务部", Role.APPROVER), "系统管理": ("信息部", Role.ADMIN),
}
EVERYONE = STAFF | ACCOUNTS
DASHBOARD_LISTS = [f"/hr/dashboard/people?only={only}" for only in ("all", "unsigned", "overdue", "signed")]
EXPORTS = [f"/hr/dashboard/export.{fmt}?kind={kind}" for fmt in ("csv", "xlsx")
           for kind in ("matrix", "all", "unsigned", "overdue", "signed")]


@pytest.fixture
def company(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
            document: Callable[..., Any]) -> dict[str, Any]:
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    users = {name: make_user(name, roles={role}, department=dep or "待定") for name, (dep, role) in EVERYONE.items()}
    # A manager must be created with a department; one whose department was later emptied (an old account,
    # a roster edit in the database) must still see nobody.
    users["无部门经理"].department = ""
    version = session.query(RegulationVersion).one()
    for name in ("销售乙", "市场丙"):
        sign(session, clock, SignRequest(users[name].id, version.id, True, name, "1.1.1.1", "t"), signer=record_signer)
    now = naive_utc(clock.now())
    for i, name in enumerate(STAFF, start=1):
        session.add(FormDocument(number=f"HT-2026-{i:04d}", form_slug="sales-contract", title=f"{name}的合同",
                                 department=users[name].department, author_id=users[name].id, values_json="{}",
                                 status="submitted", revision=1, created_at=now, updated_at=now))
    session.flush()
    counters.rebuild(session)  # a department emptied behind the services' back
    session.commit()
    return users


def _names_in(text: str) -> set[str]:
    return {name for name in EVERYONE if name in text}


def _export_names(client: FlaskClient, url: str) -> set[str] | None:
    answer = client.get(url)
    if answer.status_code != 200:
        return None
    if url.split("?")[0].endswith(".csv"):
        cells = [cell for row in csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))) for cell in row]
    else:
        book = load_workbook(io.BytesIO(answer.data), read_only=True)
        cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    return _names_in(" ".join(cells))


def _sign_in(app: Flask, name: str, users: dict[str, Any]) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"employee_no": users[name].employee_no, "password": PASSWORD}).status_code == 302
    return client


def _assigned_in(department: str) -> set[str]:
    """People a regulation for everyone is assigned to, in one department (the manager included)."""
    return {name for name, (dep, _role) in EVERYONE.items() if dep == department}


def _expected_dashboard(role: Role, department: str) -> set[str] | None:
    if role in (Role.HR, Role.ADMIN):
        return set(EVERYONE)
    if role == Role.MANAGER:
        return _assigned_in(department) if department else set()
    return None  # not allowed at all


def test_every_dashboard_list_and_export_returns_exactly_the_rows_of_the_role(
        app: Flask, company: dict[str, Any]) -> None:
    checked = 0
    for name, (department, role) in ACCOUNTS.items():
        client = _sign_in(app, name, company)
        expected = _expected_dashboard(role, department)
        for url in DASHBOARD_LISTS + [f"{u}&department=销售部" for u in DASHBOARD_LISTS]:
            answer = client.get(url)
            if expected is None:
                assert answer.status_code == 403, (name, url)
                continue
            shown = _names_in(answer.get_data(as_text=True)) - {name}  # the page greets the signed-in user
            wanted = expected if "department" not in url or role == Role.MANAGER else _assigned_in("销售部")
            if "unsigned" in url or "overdue" in url:
                wanted = wanted - {"销售乙", "市场丙"} if "unsigned" in url else set()
            elif "only=signed" in url:
                wanted = wanted & {"销售乙", "市场丙"}
            assert shown == wanted - {name}, (name, url)
            checked += len(shown)
        for url in EXPORTS:
            names = _export_names(client, url)
            if expected is None:
                assert names is None, (name, url)
                continue
            assert names is not None
            if "kind=matrix" in url:
                continue  # counts per department: no names; its overdue sheet is empty here
            wanted = expected
            if "kind=unsigned" in url:
                wanted = expected - {"销售乙", "市场丙"}
            elif "kind=overdue" in url:
                wanted = set()
            elif "kind=signed" in url:
                wanted = expected & {"销售乙", "市场丙"}
            assert names == wanted, (name, url)
            checked += len(names)
    print(f"\nrows by role: {checked} rows checked over {len(ACCOUNTS)} accounts")
    assert checked > 50


@pytest.mark.parametrize("name", list(EVERYONE))
def test_people_documents_and_signatures_by_role(app: Flask, company: dict[str, Any], name: str) -> None:
    department, role = EVERYONE[name]
    client = _sign_in(app, name, company)
    users = client.get("/admin/users?page=1")
    if role in (Role.HR, Role.ADMIN):
        assert _names_in(users.get_data(as_text=True)) == set(EVERYONE)
    else:
        assert users.status_code == 403
    audit = client.get("/admin/audit.csv", buffered=True)
    assert (audit.status_code == 200) == (role == Role.ADMIN)
    mine = _names_in(client.get("/my/signatures").get_data(as_text=True)) - {name}
    assert mine == set()  # a person's receipts name nobody else
    documents = client.get("/forms/documents").get_data(as_text=True)
    authors = {n for n in STAFF if f"{n}的合同" in documents}
    if role in (Role.HR, Role.ADMIN):
        assert authors <= set(STAFF)  # HR chooses a department: each department's list is checked below
        listed = set()
        for dep in {d for d, _r in STAFF.values()}:
            listed |= {n for n in STAFF if f"{n}的合同" in client.get(f"/forms/documents?department={dep}").get_data(as_text=True)}
        assert listed == set(STAFF)
    else:
        assert authors == {n for n, (d, _r) in STAFF.items() if d == department and department}
        for other in {d for d, _r in STAFF.values()} - {department}:
            assert client.get(f"/forms/documents?department={other}").status_code == 403
