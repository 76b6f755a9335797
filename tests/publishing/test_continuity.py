"""Old permalinks in a new release lead to the moved clause, or say that it was removed."""

from __future__ import annotations

import dataclasses

from domain.model import Document, Section, SectionKind, SourceRef
from publishing.markdown.continuity import continuity_block


def _article(number: str, text: str) -> Section:
    return Section(level=1, number=number, title="", text=text, kind=SectionKind.ARTICLE, anchor=number)


def _rules(*articles: Section) -> Document:
    return Document("sales", "销售管理制度", "regulation", "", articles, SourceRef("s.txt", "0" * 64))


def test_a_removed_clause_keeps_its_anchor_with_a_link_to_the_release_that_has_it() -> None:
    old = _rules(_article("第一条", "甲。"), _article("第二条", "乙。"), _article("第三条", "丙。"))
    new = _rules(_article("第一条", "甲。"), _article("第二条", "丙。"))  # 第二条 removed, 第三条 → 第二条
    block = continuity_block(old, new, "2026.1")
    assert '<li id="第三条">原第三条现为<a href="#第二条">第二条</a>。</li>' in block
    assert "第二条已在本版删除" not in block  # 第二条 is taken by the moved clause: it names a clause still
    assert 'href="../../../2026.1/regulations/sales/#' not in block


def test_a_removed_last_clause_says_so_and_links_to_the_old_release() -> None:
    old = _rules(_article("第一条", "甲。"), _article("第二条", "乙。"))
    new = _rules(_article("第一条", "甲。"))
    block = continuity_block(old, new, "2026.1")
    assert '<li id="第二条">第二条已在本版删除' in block
    assert 'href="../../../2026.1/regulations/sales/#第二条"' in block


def test_nothing_is_added_when_every_anchor_still_names_its_clause() -> None:
    old = _rules(_article("第一条", "甲。"))
    assert continuity_block(old, dataclasses.replace(old), "2026.1") == ""


def test_imported_text_in_anchors_is_escaped() -> None:
    old = _rules(_article("第一条", "甲。"), _article("<b>", "乙。"))
    block = continuity_block(old, _rules(_article("第一条", "甲。")), "2026.1")
    assert '<li id="b">&lt;b&gt;已在本版删除' in block and "<b>已" not in block
