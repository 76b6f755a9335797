"""Re-acknowledging only what changed: after a revision the signer confirms the changed clauses, the
record states which acknowledgement covers each clause version, and verification catches any edit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.acks.keys import RecordSigner
from portal.acks.models import Acknowledgement
from portal.acks.services import SignRequest, sign
from portal.assignments.services import NewRule, add_rule
from portal.clock import FixedClock
from portal.lifecycle.clause_acks import clause_hash, digest_of, verify_clause_sets
from portal.lifecycle.models import AckClauseSet
from portal.releases.models import Regulation
from tests.portal.conftest import PASSWORD

FIRST = ["员工应保守商业秘密。", "泄露客户资料的，公司有权解除劳动合同。", "本制度自发布之日起施行。"]
REVISED = [FIRST[0], "泄露客户资料的，公司有权解除劳动合同并追究赔偿责任。", FIRST[2]]


@pytest.fixture
def revised(session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
            document: Callable[..., Any], record_signer: RecordSigner, make_app: Callable[..., Flask]) -> dict[str, Any]:
    """甲 signed 2026.1; 2026.2 changes 第二条; 甲 signs it again in the browser flow."""
    publish("2026.1", document("secrets", "保密管理制度", FIRST))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    a = make_user("甲一")
    regulation = session.scalars(select(Regulation)).one()
    first = sign(session, clock, SignRequest(a.id, regulation.current_version_id or 0, True, "甲一", "10.0.0.1", "t"),
                 signer=record_signer)
    session.commit()
    publish("2026.2", document("secrets", "保密管理制度", REVISED))
    session.refresh(regulation)
    client = make_app().test_client()
    client.post("/login", data={"employee_no": a.employee_no, "password": PASSWORD})
    page = client.get("/regulations/secrets").get_data(as_text=True)
    response = client.post("/regulations/secrets/sign", data={"version_id": str(regulation.current_version_id),
                                                              "confirm": "y", "full_name": "甲一"})
    assert response.status_code == 302
    second = session.scalars(select(Acknowledgement).order_by(Acknowledgement.id.desc())).first()
    assert second is not None
    return {"page": page, "first": first, "second": second, "client": client, "receipt": response.headers["Location"]}


def test_the_signer_is_told_which_clauses_stay_acknowledged(revised: dict[str, Any]) -> None:
    assert "本次签署只需确认上列变化涉及的 1 条；其余 2 条与您签署的版本 2026.1 相同" in revised["page"]


def test_the_record_states_which_signature_covers_each_clause(revised: dict[str, Any], session: Session) -> None:
    first, second = revised["first"], revised["second"]
    row = session.get(AckClauseSet, second.id)
    assert row is not None
    assert json.loads(row.clauses_json) == [
        {"anchor": "第一条", "sha256": clause_hash("第一条\n" + REVISED[0]), "ack": first.id},
        {"anchor": "第二条", "sha256": clause_hash("第二条\n" + REVISED[1]), "ack": second.id},
        {"anchor": "第三条", "sha256": clause_hash("第三条\n" + REVISED[2]), "ack": first.id},
    ]
    assert session.get(AckClauseSet, first.id) is None  # a first signature covers the whole text
    receipt = revised["client"].get(revised["receipt"]).get_data(as_text=True)
    assert receipt.count(f"已于版本 2026.1 确认（记录 #{first.id}）") == 2 and receipt.count("本次签署确认") == 1


def test_verification_passes_and_catches_every_kind_of_edit(revised: dict[str, Any], session: Session,
                                                            record_signer: RecordSigner) -> None:
    verifier = record_signer.verifier
    assert verify_clause_sets(session, verifier) == (1, [])
    row = session.get(AckClauseSet, revised["second"].id)
    assert row is not None
    entries = json.loads(row.clauses_json)
    original = (row.clauses_json, row.digest)

    entries[1]["ack"] = revised["first"].id  # claim the changed clause was covered by the old signature
    row.clauses_json = json.dumps(entries, ensure_ascii=False)
    session.commit()
    reasons = [p.reason for p in verify_clause_sets(session, verifier)[1]]
    assert "条款清单与摘要不符（记录被改动）" in reasons
    assert f"第二条 所引用的早先签署 #{revised['first'].id} 并未确认该条文本" in reasons

    row.digest = digest_of(revised["second"].record_hash, entries)  # a consistent digest, but not the key's
    session.commit()
    reasons = [p.reason for p in verify_clause_sets(session, verifier)[1]]
    assert "条款清单的服务器签名无效" in reasons and "条款清单与摘要不符（记录被改动）" not in reasons

    row.clauses_json, row.digest = original
    session.commit()
    assert verify_clause_sets(session, verifier) == (1, [])
