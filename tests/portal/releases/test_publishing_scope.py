"""What one publish touches: only the uploaded regulations, real changes only (tables included)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import ImportFailed
from domain.model import Document
from portal.errors import PublishRefused
from portal.releases.models import Regulation, RegulationVersion
from portal.releases.services import withdraw_regulation
from portal.releases.sources import load_release

SALES = ["销售人员应遵守合同，不得私自改价。", "回款须在三十日内完成。"]
MEETINGS = ["例会每周一召开。", "会议纪要由主持人签署。"]


def _in_force(session: Session) -> list[str]:
    return list(session.scalars(select(Regulation.slug).where(Regulation.retired.is_(False)).order_by(Regulation.slug)))


def _with_table(document: Document, rows: tuple[tuple[str, ...], ...]) -> Document:
    chapter = document.sections[0]
    first = dataclasses.replace(chapter.children[0], tables=(rows,))
    return dataclasses.replace(document, sections=(dataclasses.replace(chapter, children=(first, *chapter.children[1:])),))


def test_publishing_one_regulation_leaves_the_others_in_force(
    session: Session, publish: Callable[..., Any], document: Callable[..., Document]
) -> None:
    publish("2026.1", document("sales", "销售管理制度", SALES), document("meetings", "会议管理制度", MEETINGS))
    outcome = publish("2026.2", document("sales", "销售管理制度", [*SALES, "新增：每月对账。"]))
    assert [d.status for d in outcome.documents] == ["substantive"]
    assert outcome.retired == ()
    assert _in_force(session) == ["meetings", "sales"]
    meetings = session.scalars(select(Regulation).where(Regulation.slug == "meetings")).one()
    version = session.get(RegulationVersion, meetings.current_version_id)
    assert version is not None and version.label == "2026.1"


def test_withdrawing_is_explicit_and_needs_a_reason(
    session: Session, publish: Callable[..., Any], document: Callable[..., Document]
) -> None:
    publish("2026.1", document("sales", "销售管理制度", SALES), document("meetings", "会议管理制度", MEETINGS))
    with pytest.raises(PublishRefused, match="reason"):
        withdraw_regulation(session, "meetings", "  ")
    withdraw_regulation(session, "meetings", "并入销售管理制度")
    session.commit()
    assert _in_force(session) == ["sales"]
    with pytest.raises(PublishRefused):
        withdraw_regulation(session, "meetings", "再次停用")


def test_a_change_only_inside_a_table_is_substantive(
    session: Session, publish: Callable[..., Any], document: Callable[..., Document]
) -> None:
    base = document("sales", "销售管理制度", SALES)
    publish("2026.1", _with_table(base, (("级别", "折扣上限"), ("经理", "九五折"))))
    outcome = publish("2026.2", _with_table(base, (("级别", "折扣上限"), ("经理", "九折"))))
    assert outcome.documents[0].status == "substantive"
    assert outcome.documents[0].changed_clauses == 1


def test_the_same_words_divided_differently_are_unchanged_and_keep_the_version(
    session: Session, publish: Callable[..., Any], document: Callable[..., Document]
) -> None:
    old = document("sales", "销售管理制度", ["本制度由营销中心负责解释。", *SALES])
    publish("2026.1", old)
    chapter = old.sections[0]
    titled = dataclasses.replace(chapter.children[0], title="本制度", text="由营销中心负责解释。")
    split = dataclasses.replace(old, sections=(dataclasses.replace(chapter, children=(titled, *chapter.children[1:])),))
    outcome = publish("2026.2", split)
    assert [d.status for d in outcome.documents] == ["unchanged"]
    current = session.scalars(select(Regulation)).one()
    version = session.get(RegulationVersion, current.current_version_id)
    assert version is not None and version.label == "2026.1"
    assert version.document().sections[0].children[0].title == ""  # the anchors and text in force stay


def test_a_refused_file_reaches_hr_with_the_importers_own_reason(tmp_path: Path) -> None:
    fake = tmp_path / "制度.docx"
    fake.write_bytes(b"this is not a word file at all")
    with pytest.raises(ImportFailed) as caught:
        load_release(fake, "2026.2", dt.date(2026, 7, 1))
    assert "制度.docx" in caught.value.user_message
    assert "没有任何制度" not in caught.value.user_message
