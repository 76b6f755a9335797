"""Signing in parallel: many people at once, each also double-submitting, through the real app.

Every signature must land exactly once, in one unforked chain, each with its server signature and
audit event; a second submission of the same form is refused even when both race for the head.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.acks.append import AlreadyInChain, append
from portal.acks.models import AckChainHead, Acknowledgement, AckSignature
from portal.acks.services import SignRequest, draft_for, sign, verify_chain
from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.releases.models import Regulation, RegulationVersion
from tests.browser import serving
from tests.portal.conftest import PASSWORD
from tests.portal.parallel import Answer, at_once, post, session_cookie

PEOPLE = 12


def _sign_all(app: Flask, people: list[User], versions: dict[str, int]) -> Counter[str]:
    """Each person signs every regulation, the first one twice: all requests released together
    against the portal served on loopback (threaded server)."""
    cookies = {}
    for person in people:
        client = app.test_client()
        assert client.post("/login", data={"employee_no": person.employee_no, "password": PASSWORD}).status_code == 302
        cookies[person.id] = session_cookie(client)
    jobs = [(person, slug) for person in people for slug in [*versions, next(iter(versions))]]

    def send(i: int) -> Answer:
        person, slug = jobs[i]
        data = {"version_id": str(versions[slug]), "confirm": "y", "full_name": person.name}
        return post(base, f"/regulations/{slug}/sign", data, cookies[person.id])

    with serving(app) as base:
        answers = at_once(len(jobs), send)
    return Counter(_kind(answer, slug) for answer, (_person, slug) in zip(answers, jobs, strict=True))


def _kind(answer: Answer, slug: str) -> str:
    if answer.status == 302 and "/my/signatures/" in answer.location:
        return "receipt"
    if answer.status == 302 and answer.location.endswith(f"/regulations/{slug}"):
        return "already"
    return str(answer.status)


def test_parallel_signatures_land_once_each_in_one_intact_chain(
    app: Flask, session: Session, publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User], record_signer: Any,
) -> None:
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。"]),
            document("travel", "差旅管理制度", ["出差须事先审批。"]))
    versions = {slug: vid for slug, vid in session.execute(
        select(Regulation.slug, RegulationVersion.id).join(RegulationVersion, RegulationVersion.id == Regulation.current_version_id))}
    people = [make_user(f"并发员工{i:02d}") for i in range(PEOPLE)]
    session.commit()

    outcomes = _sign_all(app, people, versions)

    assert outcomes == {"receipt": PEOPLE * len(versions), "already": PEOPLE}
    session.expire_all()
    stored = session.execute(select(Acknowledgement.user_id, Acknowledgement.regulation_id)).all()
    assert len(stored) == len(set(stored)) == PEOPLE * len(versions)
    head = session.get(AckChainHead, 1)
    assert head is not None and head.count == len(stored)
    assert session.scalar(select(func.count()).select_from(AckSignature)) == len(stored)
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "signed")) == len(stored)
    report = verify_chain(session, record_signer.verifier)
    assert report.ok and report.checked == len(stored)


def test_a_signature_that_raced_past_the_early_check_is_refused_under_the_lock(
    session: Session, publish: Callable[..., Any], document: Callable[..., Any], make_user: Callable[..., User],
    record_signer: Any, clock: Any,
) -> None:
    """Two submissions of one person can both pass ``has_signed`` before either holds the head: the
    INSERT itself must refuse the second (its NOT EXISTS), leaving the chain as it was."""
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。"]))
    version = session.scalars(select(RegulationVersion)).one()
    person = make_user("抢先员工")
    request = SignRequest(person.id, version.id, True, person.name, "10.0.0.9", "pytest")
    first = sign(session, clock, request, signer=record_signer)
    session.commit()
    late = draft_for(person, version, request, clock)  # prepared before the first one was stored
    with pytest.raises(AlreadyInChain):
        append(session, late, record_signer)
    session.rollback()
    assert session.scalars(select(Acknowledgement.id)).all() == [first.id]
    head = session.get(AckChainHead, 1, populate_existing=True)
    assert head is not None and (head.count, head.last_hash) == (1, first.record_hash)
    assert verify_chain(session, record_signer.verifier).ok
