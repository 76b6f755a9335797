"""The full verification walk as a job: queued from the administrators' page, run by the job runner,
its progress and outcome shown on the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks import tasks, walk
from portal.acks.services import SignRequest, sign
from portal.auth.models import User
from portal.clock import FixedClock
from portal.releases.models import RegulationVersion
from portal.tasks import state
from portal.tasks.registry import TaskContext
from portal.tasks.runner import Runner

SIGNERS = 7


@pytest.fixture
def signed_chain(publish: Callable[..., Any], document: Callable[..., Any], session: Session, clock: FixedClock,
                 make_user: Callable[..., User], record_signer: Any) -> list[int]:
    publish("2026.1", document("sales", "销售管理制度", ["销售人员应遵守合同。", "回款须在三十日内完成。"]))
    version = session.scalars(select(RegulationVersion)).one()
    ids = []
    for i in range(SIGNERS):
        person = make_user(f"签署人{i}")
        ids.append(sign(session, clock, SignRequest(person.id, version.id, True, person.name, "10.0.0.1", "t"),
                        signer=record_signer).id)
    session.commit()
    return ids


def _start(client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., User]) -> int:
    assert login(make_user("管理员", roles={Role.ADMIN})).status_code == 302
    answer = client.post("/admin/verify")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return int(answer.headers["Location"].rsplit("/", 1)[1])


def test_the_page_queues_the_walk_and_shows_its_outcome(
    app: Flask, client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., User], session: Session,
    signed_chain: list[int], record_signer: Any,
) -> None:
    job_id = _start(client, login, make_user)
    queued = state.view(session, job_id)
    assert queued is not None and queued.kind == tasks.KIND and queued.status == "queued"
    assert "排队中" in client.get(f"/admin/verify/jobs/{job_id}").get_data(as_text=True)

    Runner(app)(job_id)  # what the consumer does with the id

    session.expire_all()
    done = state.view(session, job_id)
    assert done is not None and done.status == "done" and done.progress == 100
    assert done.message == f"校验通过：{SIGNERS} 条记录完整无误，签名均来自服务器密钥 {record_signer.key_id}。"
    assert client.get(f"/admin/verify/jobs/{job_id}.json").get_json() == {
        "status": "done", "label": "已完成", "progress": 100, "message": done.message}
    listed = client.get("/admin/verify").get_data(as_text=True)
    assert f"/admin/verify/jobs/{job_id}" in listed and done.message in listed
    assert client.get("/admin/verify/jobs/999999").status_code == 404


def test_a_broken_chain_fails_the_job_naming_the_first_bad_record(
    app: Flask, client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., User], session: Session,
    signed_chain: list[int],
) -> None:
    # A record's signature replaced by another record's: the hashes still link, the signature does not fit.
    session.execute(text("CREATE TEMP TABLE saved AS SELECT * FROM ack_signatures"))
    victim, donor = signed_chain[3], signed_chain[4]
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DROP TRIGGER ack_signatures_no_update"))
    else:
        session.execute(text("ALTER TABLE ack_signatures DISABLE TRIGGER ack_signatures_no_update_delete"))
    session.execute(text("UPDATE ack_signatures SET signature = (SELECT signature FROM saved WHERE ack_id = :donor) "
                         "WHERE ack_id = :victim"), {"donor": donor, "victim": victim})
    session.commit()
    job_id = _start(client, login, make_user)
    Runner(app)(job_id)
    session.expire_all()
    failed = state.view(session, job_id)
    assert failed is not None and failed.status == "failed"
    assert failed.message.startswith(f"第 {victim} 号记录校验失败：服务器签名与记录不符")
    assert failed.message in client.get(f"/admin/verify/jobs/{job_id}").get_data(as_text=True)


def test_progress_rises_batch_by_batch_to_the_whole_chain(
    app: Flask, session: Session, clock: FixedClock, signed_chain: list[int], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    monkeypatch.setattr(walk, "BATCH", 2)  # 7 records: four batches
    seen: list[tuple[int, str]] = []
    context = TaskContext(job_id=0, kind=tasks.KIND, payload={}, session=session, clock=clock, config=app.config,
                          root=tmp_path, progress=lambda percent, message: seen.append((percent, message)), attempt=1)
    with app.app_context():
        message = tasks.run_verify(context)
    assert message is not None and message.startswith(f"校验通过：{SIGNERS} 条记录")
    percents = [percent for percent, _ in seen]
    assert percents == sorted(percents) and len(percents) == 1 + 4
    assert [m for _, m in seen[1:]] == [f"已校验 {n} / {SIGNERS} 条记录" for n in (2, 4, 6, 7)]
    assert percents[-1] == 99
