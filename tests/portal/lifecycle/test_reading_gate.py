"""Reading that is real: the sign button counts only after the end of the text and a minimum reading
time, both checked by the server on its own clock, and the time spent is stored with the signature."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.canonical import canonical_text
from portal.acks.models import Acknowledgement
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.lifecycle.daily import run_daily
from portal.lifecycle.models import AckReading, RegulationCare
from portal.lifecycle.reading_gate import automatic_seconds
from portal.releases.models import Regulation, RegulationVersion
from tests.portal.conftest import PASSWORD


def test_the_automatic_minimum_grows_with_the_length_within_bounds() -> None:
    assert automatic_seconds(0) == 10
    assert automatic_seconds(1500) == 100
    assert automatic_seconds(1501) == 101
    assert automatic_seconds(1_000_000) == 300


@pytest.fixture
def office(session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
           document: Callable[..., Any]) -> dict[str, Any]:
    publish("2026.1", document("secrets", "保密管理制度", ["员工应保守商业秘密。" * 40]),
            document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    secrets = session.scalars(select(Regulation).where(Regulation.slug == "secrets")).one()
    session.add(RegulationCare(regulation_id=secrets.id, owner_department="", review_months=12, reattest_months=12,
                               reading_check=True, min_reading_seconds=60))
    session.commit()
    version = session.get(RegulationVersion, secrets.current_version_id)
    assert version is not None
    return {"a": make_user("甲一"), "secrets": secrets, "version": version}


def reader(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD})
    return client


def post_sign(client: FlaskClient, version: RegulationVersion, *, read_to_end: bool = True) -> Any:
    data = {"version_id": str(version.id), "confirm": "y", "full_name": "甲一"}
    if read_to_end:
        data["read_to_end"] = "1"
    return client.post("/regulations/secrets/sign", data=data)


def test_signing_waits_for_the_end_of_the_text_and_the_minimum_time(app: Flask, office: dict[str, Any], session: Session,
                                                                     clock: FixedClock, record_signer: Any) -> None:
    client = reader(app, office["a"])
    refused = post_sign(client, office["version"])
    assert refused.status_code == 422 and "请先阅读正文，再签署。" in refused.get_data(as_text=True)
    page = client.get("/regulations/secrets").get_data(as_text=True)
    assert "阅读不少于 60 秒后才能签署" in page and 'id="reading-end"' in page
    assert 'disabled aria-describedby="reading-status"' in page  # the script enables it
    clock.advance(dt.timedelta(seconds=20))
    early = post_sign(client, office["version"])
    assert early.status_code == 422 and "请至少阅读 60 秒后再签署（已阅读 20 秒）。" in early.get_data(as_text=True)
    clock.advance(dt.timedelta(seconds=45))
    unread = post_sign(client, office["version"], read_to_end=False)
    assert unread.status_code == 422 and "请读到正文末尾后再签署。" in unread.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Acknowledgement)) == 0
    assert post_sign(client, office["version"]).status_code == 302
    ack = session.scalars(select(Acknowledgement)).one()
    reading = session.get(AckReading, ack.id)
    assert reading is not None and (reading.seconds, reading.required_seconds, reading.read_to_end) == (65, 60, True)


def test_a_regulation_without_the_check_signs_at_once(app: Flask, office: dict[str, Any], session: Session,
                                                      record_signer: Any) -> None:
    client = reader(app, office["a"])
    sales = session.scalars(select(Regulation).where(Regulation.slug == "sales")).one()
    page = client.get("/regulations/sales").get_data(as_text=True)
    assert "reading-status" not in page
    response = client.post("/regulations/sales/sign", data={"version_id": str(sales.current_version_id), "confirm": "y",
                                                            "full_name": "甲一"})
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(AckReading)) == 0


def test_zero_seconds_means_proportional_to_the_length(app: Flask, office: dict[str, Any], session: Session) -> None:
    care = session.get(RegulationCare, office["secrets"].id)
    assert care is not None
    care.min_reading_seconds = 0
    session.commit()
    page = reader(app, office["a"]).get("/regulations/secrets").get_data(as_text=True)
    expected = automatic_seconds(len(canonical_text(office["version"].document())))  # the signed text's length
    assert expected >= automatic_seconds(400)  # the clause alone is 400 characters
    assert f"阅读不少于 {expected} 秒后才能签署" in page


def test_a_re_attestation_round_starts_the_reading_clock_again(app: Flask, office: dict[str, Any], session: Session,
                                                               clock: FixedClock, record_signer: Any) -> None:
    client = reader(app, office["a"])
    client.get("/regulations/secrets")
    clock.advance(dt.timedelta(minutes=2))
    assert post_sign(client, office["version"]).status_code == 302
    clock.advance(dt.timedelta(days=366))
    assert run_daily(session, clock, None, "").rounds_opened == 1
    refused = post_sign(client, office["version"])  # last year's opening does not count
    assert refused.status_code == 422 and "请先阅读正文，再签署。" in refused.get_data(as_text=True)
    client.get("/regulations/secrets")
    clock.advance(dt.timedelta(seconds=61))
    assert post_sign(client, office["version"]).status_code == 302
    readings = session.scalars(select(AckReading.seconds).order_by(AckReading.ack_id)).all()
    assert list(readings) == [120, 61]
