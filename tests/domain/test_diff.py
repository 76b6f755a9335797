"""The clause-level diff: what counts as a change, and what is only formatting."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from domain.canonical import content_hash
from domain.diff import diff_documents, diff_releases, inline_spans
from domain.model import Document, Release, Section
from tests.domain.factories import article, meeting_rules


def test_identical_documents_are_unchanged() -> None:
    result = diff_documents(meeting_rules(), meeting_rules())
    assert result.status == "unchanged"
    assert not result.is_substantive


def test_width_and_whitespace_only_edits_are_editorial() -> None:
    edited = meeting_rules(tenth="会议纪要由主持人审核和签署 。")  # an extra space
    old = meeting_rules(tenth="会议纪要由主持人（副总）审核和签署。")
    new = meeting_rules(tenth="会议纪要由主持人(副总)审核和签署。")  # half-width brackets
    assert not diff_documents(meeting_rules(), edited).is_substantive
    result = diff_documents(old, new)
    assert not result.is_substantive
    assert result.editorial_changes == 1


def test_glyph_variant_is_editorial() -> None:
    old = meeting_rules(tenth="岗位设臵由经理决定。")
    new = meeting_rules(tenth="岗位设置由经理决定。")
    assert not diff_documents(old, new).is_substantive


def test_changed_clause_is_reported_with_inline_marks() -> None:
    new = meeting_rules(tenth="会议纪要由记录人整理，主持人审核和签署。")
    result = diff_documents(meeting_rules(), new)
    assert result.is_substantive
    [change] = result.clauses
    assert (change.change, change.anchor) == ("changed", "第十条")
    inserted = "".join(s.text for s in change.spans if s.op == "insert")
    assert "记录人整理" in inserted


def test_added_and_removed_clauses_are_matched_by_anchor_not_position() -> None:
    new = meeting_rules(extra=(article("第十一条", "会议纪要应分发给参会人员。"),))
    added = diff_documents(meeting_rules(), new)
    removed = diff_documents(new, meeting_rules())
    assert [(c.change, c.anchor) for c in added.clauses] == [("added", "第十一条")]
    assert [(c.change, c.anchor) for c in removed.clauses] == [("removed", "第十一条")]


def test_job_description_change_is_substantive() -> None:
    old = meeting_rules()
    job = replace(old.job_descriptions[0], responsibilities=("主持销售工作", "审核合同"))
    new = replace(old, job_descriptions=(job,))
    assert diff_documents(old, new).is_substantive


def test_release_diff_lists_added_and_removed_documents() -> None:
    other = replace(meeting_rules(), slug="合同管理办法", title="合同管理办法")
    old = Release("2026.1", "一", dt.date(2026, 1, 1), (meeting_rules(), other))
    new = Release("2026.2", "二", dt.date(2026, 7, 1), (replace(meeting_rules(), slug="新制度", title="新制度"), meeting_rules()))
    statuses = {d.slug: d.status for d in diff_releases(old, new).documents}
    assert statuses == {"新制度": "added", "会议管理制度": "unchanged", "合同管理办法": "removed"}


def test_inline_spans_rebuild_both_texts() -> None:
    old, new = "每月28日前制订下月目标", "每月25日前制订并提交下月目标"
    spans = inline_spans(old, new)
    assert "".join(s.text for s in spans if s.op != "insert") == old
    assert "".join(s.text for s in spans if s.op != "delete") == new


def _with_tenth(document: Document, tenth: Section) -> Document:
    first, second = document.sections
    return replace(document, sections=(first, replace(second, children=(tenth,))))


def test_a_changed_table_cell_is_a_substantive_change_with_marks() -> None:
    old = _with_tenth(meeting_rules(), replace(article("第十条", "会议纪要格式如下。"), tables=((("项目", "时限"), ("纪要", "三日")),)))
    new = _with_tenth(meeting_rules(), replace(article("第十条", "会议纪要格式如下。"), tables=((("项目", "时限"), ("纪要", "一日")),)))
    result = diff_documents(old, new)
    assert result.is_substantive
    [change] = result.clauses
    assert change.anchor == "第十条"
    assert any(span.op == "insert" and "一" in span.text for span in change.spans)
    assert content_hash(old) != content_hash(new)


def test_the_same_words_recovered_as_a_different_structure_are_only_restructured() -> None:
    old = meeting_rules(extra=(article("第十一条", "统一部署：通过会议统一部署工作。"),))
    titled = article("第十一条", "通过会议统一部署工作。", title="统一部署")
    new = meeting_rules(extra=(titled,))
    result = diff_documents(old, new)
    assert result.restructured and not result.is_substantive and result.status == "unchanged"


def test_a_real_edit_inside_a_restructured_document_is_still_substantive() -> None:
    old = meeting_rules(extra=(article("第十一条", "统一部署：通过会议统一部署工作。"),))
    new = meeting_rules(extra=(article("第十一条", "通过月会统一部署工作。", title="统一部署"),))
    result = diff_documents(old, new)
    assert result.is_substantive and not result.restructured
