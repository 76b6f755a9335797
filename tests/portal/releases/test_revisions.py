"""Publishing revisions: substantive changes ask signers again, editorial ones do not."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.model import Release
from domain.serialize import release_to_dict
from portal.acks.services import SignRequest, has_signed, sign
from portal.assignments.models import Assignment
from portal.assignments.services import NewRule, add_rule, my_handbook
from portal.clock import FixedClock
from portal.errors import PublishRefused
from portal.releases.models import Regulation, RegulationVersion

ORIGINAL = ["销售人员应遵守合同，不得私自改价。", "回款须在三十日内完成。"]


@pytest.fixture
def signed(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
           document: Callable[..., Any]) -> Any:
    publish("2026.1", document("sales", "销售管理制度", ORIGINAL))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    user = make_user("张三")
    version = session.scalars(select(RegulationVersion)).one()
    sign(session, clock, SignRequest(user.id, version.id, True, "张三", "127.0.0.1", "t"), signer=record_signer)
    session.commit()
    return user


def _current(session: Session) -> RegulationVersion:
    regulation = session.scalars(select(Regulation)).one()
    session.refresh(regulation)
    version = session.get(RegulationVersion, regulation.current_version_id)
    assert version is not None
    return version


def test_editorial_revision_keeps_the_signature_valid(
    session: Session, clock: FixedClock, signed: Any, publish: Callable[..., Any], document: Callable[..., Any]
) -> None:
    outcome = publish("2026.2", document("sales", "销售管理制度", ["销售人员应遵守合同,不得私自改价 。", "回款须在三十日内完成。"]))
    assert [d.status for d in outcome.documents] == ["editorial"]
    current = _current(session)
    assert current.label == "2026.2" and not current.substantive
    assert has_signed(session, signed.id, current)
    assert [i.state for i in my_handbook(session, signed, clock.today())] == ["done"]


def test_substantive_revision_asks_the_signer_again_with_a_new_due_date(
    session: Session, clock: FixedClock, signed: Any, publish: Callable[..., Any], document: Callable[..., Any]
) -> None:
    clock.advance(dt.timedelta(days=40))
    outcome = publish("2026.2", document("sales", "销售管理制度", ["销售人员应遵守合同，不得私自改价。", "回款须在十五日内完成。"]))
    assert outcome.documents[0].status == "substantive"
    assert outcome.documents[0].asked_again == 1
    current = _current(session)
    assert not has_signed(session, signed.id, current)
    item = my_handbook(session, signed, clock.today())[0]
    assert item.state == "pending"
    assert item.signed_before is not None and item.signed_before.label == "2026.1"
    assignment = session.scalars(select(Assignment)).one()
    assert assignment.due_on == clock.today() + dt.timedelta(days=30)


def test_reading_page_shows_what_changed_since_the_signed_version(
    client: FlaskClient, login: Callable[..., Any], signed: Any, publish: Callable[..., Any], document: Callable[..., Any]
) -> None:
    publish("2026.2", document("sales", "销售管理制度", ["销售人员应遵守合同，不得私自改价。", "回款须在十五日内完成。", "新增：每月对账。"]))
    login(signed)
    page = client.get("/regulations/sales").get_data(as_text=True)
    assert "本次修订的变化" in page
    assert "<del>三</del>" in page and "<ins>五</ins>" in page
    assert "新增：每月对账。" in page
    assert "（版本 2026.2）" in page
    mine = client.get("/my").get_data(as_text=True)
    assert "请重新签署" in mine


def test_editorial_release_with_a_substantive_change_is_refused(
    session: Session, signed: Any, publish: Callable[..., Any], document: Callable[..., Any]
) -> None:
    with pytest.raises(PublishRefused) as refused:
        publish("2026.2", document("sales", "销售管理制度", ["销售人员应遵守合同。"]), editorial=True)
    assert "销售管理制度" in refused.value.user_message
    session.rollback()
    assert _current(session).label == "2026.1"


def test_unchanged_text_creates_no_new_version(
    session: Session, signed: Any, publish: Callable[..., Any], document: Callable[..., Any]
) -> None:
    outcome = publish("2026.2", document("sales", "销售管理制度", ORIGINAL))
    assert outcome.documents[0].status == "unchanged"
    assert session.scalar(select(RegulationVersion.id).where(RegulationVersion.release_id != None).order_by(RegulationVersion.id.desc())) == _current(session).id  # noqa: E711
    assert len(session.scalars(select(RegulationVersion)).all()) == 1


def test_publish_command_imports_a_release_file_end_to_end(
    runner: FlaskCliRunner, tmp_path: Path, signed: Any, session: Session, document: Callable[..., Any], app: Any
) -> None:
    from cli.main import main

    release = Release("x", "手册", dt.date(2026, 4, 1), (document("sales", "销售管理制度", ["销售人员应遵守合同。"]),))
    source = tmp_path / "next.json"
    source.write_text(json.dumps(release_to_dict(release), ensure_ascii=False), encoding="utf-8")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    result = runner.invoke(main, ["--root", str(tmp_path), "publish", str(source), "--version", "2026.3", "--effective", "2026-04-01", "--summary", "回款条款修订"],
                           env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "实质修订" in result.output and "1 人需重新签署" in result.output
    assert _current(session).label == "2026.3"
    refused = runner.invoke(main, ["--root", str(tmp_path), "publish", str(source), "--version", "2026.3", "--effective", "2026-04-01", "--summary", "回款条款修订"],
                            env={"DATABASE_URL": url})
    assert refused.exit_code == 1 and "已经发布过" in refused.output


def test_publish_command_imports_a_source_text_file_through_the_import_pipeline(
    runner: FlaskCliRunner, tmp_path: Path, app: Any, session: Session
) -> None:
    from cli.main import main

    source = tmp_path / "销售管理制度.txt"
    source.write_text("销售管理制度\n第一章 总则\n第一条 为规范销售行为，特制定本制度。\n第二条 回款须在三十日内完成。\n",
                      encoding="utf-8")
    result = runner.invoke(main, ["--root", str(tmp_path), "publish", str(source), "--version", "2026.1",
                                  "--effective", "2026-01-01", "--summary", "首次发布"], env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert result.exit_code == 0, result.output
    assert "新增：《销售管理制度》" in result.output
    version = session.scalars(select(RegulationVersion)).one()
    assert version.label == "2026.1" and version.clause_count >= 2


def test_dashboard_counts_signatures_of_the_version_chosen_in_the_filter(
    session: Session, clock: FixedClock, signed: Any, publish: Callable[..., Any], document: Callable[..., Any]
) -> None:
    from portal.signing_status.queries import DashboardFilter, completion_matrix

    publish("2026.2", document("sales", "销售管理制度", ["销售人员应遵守合同，不得私自改价。", "回款须在十五日内完成。"]))
    current = completion_matrix(session, DashboardFilter(), clock.today())
    earlier = completion_matrix(session, DashboardFilter(release="2026.1"), clock.today())
    assert (current.total.assigned, current.total.signed) == (1, 0)
    assert (earlier.total.assigned, earlier.total.signed) == (1, 1)
    assert current.regulations[0][2] == "2026.2" and earlier.regulations[0][2] == "2026.1"


def test_after_an_editorial_revision_the_page_names_the_version_actually_signed(
    client: Any, login: Callable[..., Any], signed: Any, publish: Callable[..., Any], document: Callable[..., Any]
) -> None:
    publish("2026.2", document("sales", "销售管理制度", ["销售人员应遵守合同,不得私自改价 。", "回款须在三十日内完成。"]))
    login(signed)
    page = client.get("/regulations/sales").get_data(as_text=True)
    assert "签署版本 2026.1；本版本只有文字性修订，该签署继续有效" in page
    assert "签署本版本" not in page
