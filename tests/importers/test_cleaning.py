"""Cleaning rules: each removes or rewrites one kind of mess, and reports it."""

from __future__ import annotations

from domain.model import Changed, Dropped
from importers.blocks import Block
from importers.cleaning import (
    REASON_DISCLAIMER,
    REASON_DUPLICATE_NUMBER,
    REASON_FILE_NAME,
    REASON_FOOTER,
    REASON_GLYPH,
    REASON_REJOIN,
    REASON_SITE_SUFFIX,
    REASON_WATERMARK,
    REASON_WIDTH,
    changed_snippets,
    clean_blocks,
    clean_line,
    rejoin_broken_lines,
)
from importers.splitting import is_title_line


def _clean(text: str) -> tuple[str, list[Dropped], list[Changed]]:
    dropped: list[Dropped] = []
    changed: list[Changed] = []
    return clean_line(text, "t.txt:1", dropped, changed), dropped, changed


def test_file_name_line_is_dropped() -> None:
    text, dropped, _ = _clean("营销中心目标管理制度.doc")
    assert text == ""
    assert dropped == [Dropped("营销中心目标管理制度.doc", REASON_FILE_NAME, "t.txt:1")]


def test_a_sentence_ending_in_doc_is_not_a_file_name() -> None:
    text, dropped, _ = _clean("请把文件另存为营销制度.doc，再上传。")
    assert text and not dropped


def test_download_site_disclaimer_line_is_dropped() -> None:
    line = "- 1、下载文档前请自行甄别文档内容的完整性,平台不提供额外的编辑、内容补充、找答案等附加服务。"
    text, dropped, _ = _clean(line)
    assert text == ""
    assert dropped[0].reason == REASON_DISCLAIMER and dropped[0].text == line


def test_a_dash_list_item_without_site_words_is_kept() -> None:
    text, dropped, _ = _clean("- 1、销售人员每月提交计划。")
    assert text and not dropped


def test_title_suffix_of_the_download_site_is_dropped() -> None:
    text, dropped, _ = _clean("营销部管理制度规范 - 制度大全")
    assert text == "营销部管理制度规范"
    assert [d.reason for d in dropped] == [REASON_SITE_SUFFIX]


def test_watermark_in_the_middle_of_a_line_is_dropped() -> None:
    text, dropped, _ = _clean("营销中心管理制度分享中人网·共建中人网一、营销中心部门职能")
    assert text == "营销中心管理制度一、营销中心部门职能"
    assert dropped[0].reason == REASON_WATERMARK


def test_page_footer_inside_a_line_is_dropped() -> None:
    text, dropped, _ = _clean("可行性论证分析第2页共23页3.公司整体形象的策划")
    assert text == "可行性论证分析3.公司整体形象的策划"
    assert dropped == [Dropped("第2页共23页", REASON_FOOTER, "t.txt:1")]


def test_duplicated_article_number_is_collapsed() -> None:
    text, dropped, _ = _clean("第二条第二条 本制度适用于酒业公司营销中心的全体工作人员。")
    assert text == "第二条 本制度适用于酒业公司营销中心的全体工作人员。"
    assert dropped == [Dropped("第二条", REASON_DUPLICATE_NUMBER, "t.txt:1")]


def test_different_numbers_in_a_row_are_not_duplicates() -> None:
    text, dropped, _ = _clean("第一章总则第一条为规范管理，制定本制度。")
    assert text.startswith("第一章总则第一条") and not dropped


def test_variant_glyph_is_replaced_and_reported() -> None:
    text, _, changed = _clean("第一章组织机构及岗位设臵")
    assert text == "第一章组织机构及岗位设置"
    assert [(c.reason, "臵" in c.before, "置" in c.after) for c in changed] == [(REASON_GLYPH, True, True)]


def test_ascii_punctuation_in_chinese_text_becomes_full_width() -> None:
    text, _, changed = _clean("会议纪律:会议参会人员需遵守会议纪律,不得嘈杂(包括手机)")
    assert text == "会议纪律：会议参会人员需遵守会议纪律，不得嘈杂（包括手机）"
    assert changed[0].reason == REASON_WIDTH


def test_full_width_digits_become_ascii() -> None:
    text, _, _ = _clean("每月２８日前制订下月目标。")
    assert text == "每月28日前制订下月目标。"


def test_times_between_digits_keep_their_colon() -> None:
    text, _, changed = _clean("工作时间为上午9:00至下午6:00。")
    assert "9:00" in text and not changed


def test_changed_snippets_show_only_the_changed_places() -> None:
    before, after = changed_snippets(
        "岗位设臵与编制，由经理根据公司的实际情况和需要提出计划，报总经理批准设臵。",
        "岗位设置与编制，由经理根据公司的实际情况和需要提出计划，报总经理批准设置。",
    )
    assert before == "岗位设臵与编制 … 批准设臵。"
    assert after == "岗位设置与编制 … 批准设置。"


def test_clean_blocks_drops_emptied_lines_and_keeps_the_rest() -> None:
    blocks = [Block("营销中心目标管理制度.doc", "t:1"), Block("第一条 为规范管理。", "t:2")]
    result = clean_blocks(blocks)
    assert [b.text for b in result.value] == ["第一条 为规范管理。"]
    assert [d.source for d in result.dropped] == ["t:1"]


def test_line_broken_mid_sentence_is_rejoined() -> None:
    blocks = [
        Block("第九条营销中心应与生产、物流等部门紧密协作，确保", "t:1"),
        Block("产品质量和供应的稳定性。", "t:2"),
    ]
    result = rejoin_broken_lines(blocks, is_title_line)
    assert [b.text for b in result.value] == [
        "第九条营销中心应与生产、物流等部门紧密协作，确保产品质量和供应的稳定性。"
    ]
    assert result.changed[0].reason == REASON_REJOIN and result.changed[0].source == "t:2"


def test_line_ending_with_a_comma_is_rejoined() -> None:
    blocks = [
        Block("4.2营销中心组织营销中心各部门及相关职能部门，收集依据，", "t:1"),
        Block("分析、论证和整合制定全盘计划。", "t:2"),
    ]
    assert len(rejoin_broken_lines(blocks, is_title_line).value) == 1


def test_finished_sentence_or_numbered_next_line_is_not_rejoined() -> None:
    blocks = [
        Block("第一条为规范管理和维护营销中心案场的秩序，制定本规章制度。", "t:1"),
        Block("第二条营销中心案场是房地产开发商在项目开发前建设的展示中心", "t:2"),
        Block("第三条营销中心案场规章制度适用于所有进入营销中心案场的相关人员。", "t:3"),
    ]
    assert len(rejoin_broken_lines(blocks, is_title_line).value) == 3


def test_short_heading_line_is_not_rejoined() -> None:
    blocks = [Block("营销中心目标管理制度", "t:1"), Block("总则", "t:2"), Block("1、目的意义", "t:3")]
    assert len(rejoin_broken_lines(blocks, is_title_line).value) == 3
