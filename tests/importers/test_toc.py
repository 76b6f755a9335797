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


def test_a_spaced_heading_after_a_preamble_with_one_entry_per_line_is_found() -> None:
    lines = (
        "安全生产管理条例",
        "（2018年3月1日市人大常委会通过）",
        "为保障安全生产，特制定本条例。",
        "发布单位：办公室",
        "联系人：张三",
        "日期：2018年3月1日",
        "目  录",
        "第一章 总则-------------第1页",
        "第二章 安全保障------------第3页",
        "第三章 法律责任…………12",
        "第一章 总则",
        "第一条 为了加强安全生产工作，制定本条例。",
    )
    toc = extract_toc(_blocks(*lines))
    assert [d.text for d in toc.dropped] == list(lines[6:10])
    assert [b.text for b in toc.value.blocks] == [*lines[:6], *lines[10:]]
    assert toc.value.titles == {("章", (1,)): "总则", ("章", (2,)): "安全保障", ("章", (3,)): "法律责任"}


def test_entries_without_page_numbers_end_where_the_first_heading_comes_back() -> None:
    for heading in ("目录", "目 录", "目　录"):
        toc = extract_toc(
            _blocks(
                "前言一段。",
                "前言二段。",
                "前言三段。",
                "前言四段。",
                "前言五段。",
                "前言六段。",
                heading,
                "一、总体要求",
                "二、工作措施",
                "一、总体要求",
                "各部门应当落实。",
            )
        )
        assert [b.text for b in toc.value.blocks][-2:] == ["一、总体要求", "各部门应当落实。"], heading
        assert toc.value.titles == {("一、", (1,)): "总体要求", ("一、", (2,)): "工作措施"}


def test_entries_with_spaces_before_the_page_number_are_read_without_it() -> None:
    toc = extract_toc(_blocks("目录", "第一章 总则    1", "第二章 附则    9", "正文另起。"))
    assert toc.value.titles == {("章", (1,)): "总则", ("章", (2,)): "附则"}
    assert [b.text for b in toc.value.blocks] == ["正文另起。"]


def test_a_run_together_table_far_from_the_start_needs_its_first_heading_to_come_back() -> None:
    preamble = [f"前言第{i}段。" for i in range(8)]
    found = extract_toc(
        _blocks(*preamble, "目录第一章总则-----第1页第二章附则-----第5页第一章总则第一条为了规范。")
    )
    assert found.value.blocks[-1].text == "第一章总则第一条为了规范。"
    assert found.value.titles == {("章", (1,)): "总则", ("章", (2,)): "附则"}
    unproven = _blocks(*preamble, "本档案目录第一章所列材料应当归档。")
    assert extract_toc(unproven).value.blocks == tuple(unproven)


def test_a_mulu_heading_over_ordinary_numbered_text_is_no_table() -> None:
    blocks = _blocks("目录", "一、本手册所列文件目录如下，每年更新。", "二、各部门应当备案。")
    toc = extract_toc(blocks)
    assert toc.value.blocks == tuple(blocks)
    assert toc.dropped == ()
