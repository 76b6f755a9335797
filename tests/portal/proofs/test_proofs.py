"""Proofs of acknowledgement: what the PDF states about each record, checked when printed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.keys import RecordSigner
from portal.acks.services import SignRequest, sign
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.releases.models import RegulationVersion
from tests.portal.acks.test_tampering import as_attacker
from tests.portal.proofs.conftest import pdf_text, squeezed

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "proofs"
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) 测试浏览器"


@pytest.fixture
def signed(record_signer: RecordSigner, session: Session, clock: FixedClock, make_user: Callable[..., Any],
           publish: Callable[..., Any], document: Callable[..., Any]) -> dict[str, Any]:
    """Two regulations; 张三 signs both, 李四 (another department) signs one, ten minutes apart."""
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。"]),
            document("travel", "差旅管理制度", ["出差须事先审批。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    zhang = make_user("张三", department="销售部")
    li = make_user("李四", department="市场部")
    versions = {v.regulation.slug: v for v in session.scalars(select(RegulationVersion))}
    acks = []
    for user, slug, ip in ((zhang, "sales", "203.0.113.7"), (li, "sales", "198.51.100.4"), (zhang, "travel", "203.0.113.9")):
        clock.advance(dt.timedelta(minutes=10))
        acks.append(sign(session, clock, SignRequest(user.id, versions[slug].id, True, user.name, ip, UA), signer=record_signer))
    session.commit()
    return {"zhang": zhang, "li": li, "acks": acks, "versions": versions}


def _sign_in(client: FlaskClient, login: Callable[..., Any], user: Any) -> None:
    assert login(user).status_code == 302


def _pdf(client: FlaskClient, url: str, keep: str = "") -> str:
    answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    assert answer.mimetype == "application/pdf"
    if keep:  # for a person to look at (rendered to PNG with pdftoppm in the report)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / keep).write_bytes(answer.data)
    return pdf_text(answer.data)


def test_own_proof_states_who_what_hash_both_times_ip_agent_position_and_a_valid_signature(
        client: FlaskClient, login: Callable[..., Any], signed: dict[str, Any]) -> None:
    _sign_in(client, login, signed["zhang"])
    page = _pdf(client, "/my/signatures/proof.pdf", keep="employee-own.pdf")
    flat = squeezed(page)
    for ack, position in ((signed["acks"][0], 1), (signed["acks"][2], 3)):
        local = ack.signed_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Asia/Shanghai"))
        assert ack.text_sha256 in flat and ack.record_hash in flat
        assert local.strftime("%Y-%m-%d %H:%M:%S") in page and ack.signed_at.strftime("%Y-%m-%d %H:%M:%S") in page
        assert ack.ip in page
        assert f"第{position}条（记录编号{ack.id}）" in flat
    assert squeezed(UA) in flat
    assert "张三" in page and "销售部" in page and "《销售管理制度》" in page and "《差旅管理制度》" in page
    assert "李四" not in page and "198.51.100.4" not in page  # another person's record is not in mine
    assert "UTC+08:00" in page
    assert flat.count("有效（Ed25519") == 2 and "全部通过（2条）" in flat


def test_a_record_altered_in_the_database_is_printed_as_failing_its_check(
        client: FlaskClient, login: Callable[..., Any], signed: dict[str, Any], session: Session) -> None:
    target = signed["acks"][0]
    with as_attacker(session):
        session.execute(text("UPDATE acknowledgements SET ip = '10.9.9.9' WHERE id = :id"), {"id": target.id})
    _sign_in(client, login, signed["zhang"])
    flat = squeezed(_pdf(client, "/my/signatures/proof.pdf", keep="tampered.pdf"))
    assert "10.9.9.9" in flat
    assert "1条未通过" in flat and "记录内容与其哈希不符" in flat


def test_a_version_proof_lists_everyone_who_signed_it_for_hr_and_the_own_department_for_a_manager(
        client: FlaskClient, login: Callable[..., Any], signed: dict[str, Any], make_user: Callable[..., Any]) -> None:
    _sign_in(client, login, make_user("人事", roles={Role.HR}, department="人力资源部"))
    page = _pdf(client, "/hr/proofs/regulations/sales/2026.1.pdf")
    assert "张三" in page and "李四" in page and "203.0.113.7" in page and "198.51.100.4" in page
    assert "203.0.113.9" not in page  # 张三's other regulation
    client.post("/logout")
    _sign_in(client, login, make_user("市场经理", roles={Role.MANAGER}, department="市场部"))
    page = _pdf(client, "/hr/proofs/regulations/sales/2026.1.pdf")
    assert "李四" in page and "张三" not in page
    assert client.get(f"/hr/proofs/people/{signed['li'].id}.pdf").status_code == 200
    assert client.get(f"/hr/proofs/people/{signed['zhang'].id}.pdf").status_code == 404
