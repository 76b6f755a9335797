"""A document's own table of contents: found near the start, read for titles, then dropped."""

from __future__ import annotations

from importers.blocks import Block
from importers.numbering import match_marker
from importers.toc import REASON_TOC, extract_toc, extract_word_toc, toc_key


def _blocks(*lines: str, style: str | None = None) -> list[Block]:
    return [Block(text, f"a.txt:{i}", style=style) for i, text in enumerate(lines, 1)]


def test_a_table_of_contents_is_dropped_with_its_reason() -> None:
    toc = extract_toc(
        _blocks("营销中心管理制度", "目录第一章总则第二章组织机构第一章总则第一条为了规范管理，制定本制度。")
    )
    assert [d.text for d in toc.dropped] == ["目录第一章总则第二章组织机构"]
    assert {d.reason for d in toc.dropped} == {REASON_TOC}
    assert toc.dropped[0].source == "a.txt:2"


def test_a_glued_table_of_contents_ends_where_its_first_number_comes_back() -> None:
    toc = extract_toc(
        _blocks("营销中心管理制度", "目录第一章总则第二章组织机构第一章总则第一条为了规范管理，制定本制度。")
    )
    assert [b.text for b in toc.value.blocks] == [
        "营销中心管理制度",
        "第一章总则第一条为了规范管理，制定本制度。",
    ]


def test_the_entries_give_the_heading_titles_by_number() -> None:
    toc = extract_toc(_blocks("目录第一章总则第二章组织机构第一章总则第一条为了规范管理。"))
    assert toc.value.titles == {("章", (1,)): "总则", ("章", (2,)): "组织机构"}


def test_entry_lines_with_dash_leaders_and_page_numbers_are_dropped_line_by_line() -> None:
    toc = extract_toc(
        _blocks("目录：一、背景及目的-----第3页", "二、适用范围-----第4页", "一、背景及目的", "为了规范。")
    )
    assert [d.text for d in toc.dropped] == ["目录：一、背景及目的-----第3页", "二、适用范围-----第4页"]
    assert [b.text for b in toc.value.blocks] == ["一、背景及目的", "为了规范。"]
    assert toc.value.titles == {("一、", (1,)): "背景及目的", ("一、", (2,)): "适用范围"}


def test_a_document_without_a_table_of_contents_keeps_every_block() -> None:
    blocks = _blocks("考勤制度", "本制度没有目录。")
    toc = extract_toc(blocks)
    assert toc.value.blocks == tuple(blocks)
    assert toc.value.titles == {}
    assert toc.dropped == ()


def test_the_word_mulu_without_numbered_entries_is_not_a_table_of_contents() -> None:
    blocks = _blocks("制度", "目录", "一、背景及目的-----第3页")
    toc = extract_toc(blocks)
    assert toc.value.blocks == tuple(blocks)
    assert toc.dropped == ()


def test_words_toc_styled_paragraphs_and_their_heading_are_dropped() -> None:
    blocks = [
        Block("目录", "d:1"),
        Block("第一章 总则\t1", "d:2", style="toc 1"),
        Block("第一章 总则", "d:3", style="Heading 1"),
    ]
    toc = extract_word_toc(blocks)
    assert [b.source for b in toc.value.blocks] == ["d:3"]
    assert [(d.text, d.reason, d.source) for d in toc.dropped] == [
        ("目录", REASON_TOC, "d:1"),
        ("第一章 总则\t1", REASON_TOC, "d:2"),
    ]


def test_a_mulu_heading_without_toc_styled_entries_is_kept() -> None:
    blocks = [Block("目录", "d:1"), Block("第一章 总则", "d:2")]
    assert extract_word_toc(blocks).value.blocks == tuple(blocks)


def test_a_toc_key_is_the_numbering_system_and_the_values() -> None:
    marker = match_marker("第二章 组织机构", 0)
    assert marker is not None
    assert toc_key(marker) == ("章", (2,))
