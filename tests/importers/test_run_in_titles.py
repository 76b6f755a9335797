"""Run-in titles (``1.统一部署:通过会议…``) and titles glued to bodies that open with a time or an object.

Issue 10, D2: a short noun phrase closed by a colon at the start of a numbered item is the item's
title when its siblings share the pattern; a sentence with a colon, a verb phrase, a field label or
a reference to another article never is.
"""

from __future__ import annotations

from domain.model import Document, Section, SourceRef
from importers.blocks import Block
from importers.headings import run_in_title
from importers.structure import recover

SOURCE = SourceRef("t.txt", "0" * 64)


def _one(*lines: str) -> Document:
    (document,) = recover([Block(text, f"t.txt:{i}") for i, text in enumerate(lines, 1)], SOURCE).value
    return document


def _titles(document: Document) -> list[tuple[str, str]]:
    return [(s.number, s.title) for s in document.walk()]


def _find(document: Document, anchor: str) -> Section:
    section = document.find(anchor)
    assert section is not None, anchor
    return section


def test_items_sharing_the_label_pattern_get_their_labels_as_titles() -> None:
    document = _one(
        "会议管理制度",
        "一、会议的目的1.统一部署:通过会议可以向全体员工传达公司战略。",
        "2.沟通信息:通过会议可以及时交流部门之间的信息。",
        "3.解决问题:通过会议可以讨论和解决工作中出现的问题。",
    )
    assert _titles(document) == [("一、", "会议的目的"), ("1.", "统一部署"), ("2.", "沟通信息"), ("3.", "解决问题")]
    assert _find(document, "一-1").text == "通过会议可以向全体员工传达公司战略。"


def test_one_item_with_a_colon_among_plain_siblings_stays_a_sentence() -> None:
    document = _one(
        "考勤制度",
        "一、出勤1.上班时间:上午九点至下午六点。",
        "2.员工应按时打卡，不得代打卡。",
        "3.迟到三次以上的，扣发当月全勤奖。",
    )
    assert [title for _, title in _titles(document)] == ["出勤", "", "", ""]


def test_a_lone_item_follows_the_documents_style_of_run_in_titles() -> None:
    document = _one(
        "会议管理制度",
        "一、会议要求1.准时到场:参会人员需准时到场。",
        "2.会议纪律:参会人员需遵守会议纪律。",
        "二、会议改进机制1.定期回顾:市场营销中心负责定期回顾会议效果。",
    )
    assert _titles(document)[-1] == ("1.", "定期回顾")


def test_a_lone_item_in_a_document_without_that_style_keeps_its_text() -> None:
    document = _one("会议管理制度", "一、会议改进机制1.定期回顾:市场营销中心负责定期回顾会议效果。", "二、附则")
    assert ("1.", "") in _titles(document)


def test_verb_phrases_field_labels_and_references_are_not_run_in_titles() -> None:
    for text in (
        "负责客户接待:热情周到。",
        "直接上级:营销总监",
        "岗位职责:负责销售。",
        "本制度第五条:另有规定。",
        "以下人员:销售代表。",
    ):
        assert run_in_title(text) is None, text
    found = run_in_title("统一部署:通过会议可以传达战略。")
    assert found is not None and (found.title, found.body) == ("统一部署", "通过会议可以传达战略。")


def test_a_title_glued_to_a_body_opening_with_a_time_or_an_object_is_split() -> None:
    document = _one(
        "市场营销管理制度",
        "第一章总则第一条市场营销战略的组织管理(一)市场营销战略实施经董事会批准后执行。",
        "(二)市场营销实施效果考核每年度总经理办公会对实施效果进行一次评估。",
        "(三)企业内部资源和能力分析对公司现有资源和能力进行分析。",
    )
    titles = [title for number, title in _titles(document) if number.startswith("（")]
    assert titles == ["市场营销战略实施", "市场营销实施效果考核", "企业内部资源和能力分析"]


def test_a_person_before_tongguo_is_the_subject_of_the_sentence() -> None:
    document = _one(
        "市场部管理制度",
        "第1条目的为更好地开拓业务市场，特制定本制度。",
        "第2条适用范围所有市场部员工。",
        "第3条市场人员通过对国内各地区市场的分析，制定销售计划。",
    )
    assert _titles(document) == [("第1条", "目的"), ("第2条", "适用范围"), ("第3条", "")]
