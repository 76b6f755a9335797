"""Publishes that overlap (a CLI publish beside the task queue's, two hosts) run one after the other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from domain.model import Release
from portal.clock import FixedClock
from portal.extensions import db
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord
from portal.releases.services import PublishRefused, PublishRequest, publish_release
from tests.portal.parallel import Answer, at_once

PUBLISHES = 20


def test_parallel_publishes_keep_one_linear_history(app: Flask, clock: FixedClock, session: Session,
                                                    document: Callable[..., Any]) -> None:
    with app.app_context():
        factory = sessionmaker(bind=db.engine, expire_on_commit=False)

    def publish(i: int) -> Answer:
        # Half the publishes bring the same version number twice: one of each pair must be refused.
        version = f"2026.{i // 2 if i % 4 < 2 else i}"
        release = Release(version=version, title="手册", effective=clock.today(),
                          documents=(document("sales", "销售管理制度", [f"销售人员应遵守第{i}版合同。"]),
                                     document(f"new-{i}", f"新制度{i}", ["新条款。"])))
        with factory() as own:
            try:
                publish_release(own, clock, PublishRequest(release))
                own.commit()
                return Answer(200, version, "")
            except PublishRefused as refused:
                own.rollback()
                return Answer(409, version, refused.user_message)

    answers = at_once(PUBLISHES, publish)
    published = [a for a in answers if a.status == 200]
    refused = [a for a in answers if a.status == 409]
    versions = {a.location for a in answers}
    assert len(published) == len(versions) and len(refused) == PUBLISHES - len(versions)
    assert all("已经发布过" in a.body for a in refused)
    session.expire_all()
    assert sorted(session.scalars(select(ReleaseRecord.version))) == sorted(versions)
    sales = session.scalars(select(Regulation).where(Regulation.slug == "sales")).one()
    chain = session.scalars(select(RegulationVersion).where(RegulationVersion.regulation_id == sales.id)
                            .order_by(RegulationVersion.id)).all()
    # One line of versions, each after the one before, the last in force.
    assert [v.previous_version_id for v in chain] == [None, *[v.id for v in chain[:-1]]]
    assert sales.current_version_id == chain[-1].id
    positions = Counter(session.scalars(select(Regulation.position)))
    assert max(positions.values()) == 1, positions
