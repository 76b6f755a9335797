"""Times are stored in UTC and shown in the configured zone (TIME_ZONE, default Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.models import Acknowledgement
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.errors import HandbookError
from portal.localtime import LocalClock, format_local, zone_named
from portal.releases.models import RegulationVersion

EVENING_UTC = dt.datetime(2026, 1, 1, 20, 0, tzinfo=dt.UTC)


def _sign_at_evening(
    app: Flask, clock: FixedClock, session: Session, publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., Any],
) -> tuple[Any, Any]:
    """孙八 signs 销售管理制度 at 2026-01-01 20:00 UTC; returns (the app's client signed in as HR, 孙八's client)."""
    clock.at = EVENING_UTC - dt.timedelta(hours=2)
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    signer, hr = make_user("孙八"), make_user("人事", roles={Role.HR})
    clock.at = EVENING_UTC
    employee = app.test_client()
    employee.post("/login", data={"employee_no": signer.employee_no, "password": "correct-horse-42"})
    version = session.scalars(select(RegulationVersion)).one()
    done = employee.post("/regulations/sales/sign", data={"version_id": version.id, "confirm": "y", "full_name": "孙八"})
    assert done.status_code == 302
    office = app.test_client()
    office.post("/login", data={"employee_no": hr.employee_no, "password": "correct-horse-42"})
    return office, employee


@pytest.mark.parametrize(("zone", "shown"), [(None, "2026-01-02 04:00"), ("UTC", "2026-01-01 20:00")])
def test_a_utc_evening_signature_is_shown_and_exported_in_the_configured_zone(
    make_app: Callable[..., Flask], clock: FixedClock, session: Session, publish: Callable[..., Any],
    document: Callable[..., Any], make_user: Callable[..., Any], zone: str | None, shown: str,
) -> None:
    app = make_app(**({"TIME_ZONE": zone} if zone else {}))
    office, employee = _sign_at_evening(app, clock, session, publish, document, make_user)
    stored = session.scalars(select(Acknowledgement)).one()
    assert stored.signed_at == dt.datetime(2026, 1, 1, 20, 0)  # storage stays naive UTC
    receipt = employee.get(f"/my/signatures/{stored.id}").get_data(as_text=True)
    assert f"{shown}:00" in receipt and "2026-01-01 20:00:00" in receipt  # local time, and UTC for proof
    assert shown in employee.get("/my/signatures").get_data(as_text=True)
    csv_text = office.get("/hr/dashboard/export.csv?kind=signed").get_data(as_text=True)
    assert f"{shown}:00" in csv_text
    workbook = load_workbook(io.BytesIO(office.get("/hr/dashboard/export.xlsx?kind=signed").data))
    cells = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert dt.datetime.fromisoformat(f"{shown}:00") in cells
    assert shown in office.get("/hr/dashboard/people?only=signed").get_data(as_text=True)


def test_the_audit_log_shows_local_times_and_filters_by_local_days(
    make_app: Callable[..., Flask], clock: FixedClock, session: Session, make_user: Callable[..., Any],
) -> None:
    app = make_app()
    admin = make_user("管理员", roles={Role.ADMIN})
    clock.at = EVENING_UTC  # 2026-01-02 04:00 in Shanghai
    client = app.test_client()
    client.post("/login", data={"employee_no": admin.employee_no, "password": "correct-horse-42"})
    page = client.get("/admin/audit?since=2026-01-02&until=2026-01-02").get_data(as_text=True)
    assert "2026-01-02 04:00:" in page and "登录" in page
    assert "2026-01-02 04:00:" not in client.get("/admin/audit?until=2026-01-01").get_data(as_text=True)
    assert "2026-01-02 04:00:" in client.get("/admin/audit.csv").get_data(as_text=True)


def test_today_is_the_local_date_so_a_due_date_ends_at_local_midnight() -> None:
    inner = FixedClock(dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC))  # 2026-12-01 00:30 in Shanghai
    assert LocalClock(inner, zone_named("Asia/Shanghai")).today() == dt.date(2026, 12, 1)
    assert LocalClock(inner, zone_named("UTC")).today() == dt.date(2026, 11, 30)


def test_format_local_reads_naive_times_as_utc_and_leaves_dates_alone() -> None:
    zone = zone_named("Asia/Shanghai")
    assert format_local(dt.datetime(2026, 1, 1, 20, 0), zone) == "2026-01-02 04:00"
    assert format_local(dt.date(2026, 1, 1), zone) == "2026-01-01"
    assert format_local(None, zone) == ""


def test_an_unknown_zone_stops_the_portal_at_start_up(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(HandbookError, match="TIME_ZONE"):
        make_app(TIME_ZONE="Mars/Olympus")
