"""Splitting a compilation into documents at its title lines."""

from __future__ import annotations

from importers.blocks import Block
from importers.splitting import (
    REASON_REPEATED_TITLE,
    REASON_TITLE_VARIANT,
    is_title_line,
    repeated_prefix_end,
    split_documents,
)


def _blocks(*lines: str) -> list[Block]:
    return [Block(text, f"t:{i}") for i, text in enumerate(lines, 1)]


def test_short_unpunctuated_line_naming_a_kind_of_document_is_a_title() -> None:
    assert is_title_line("市场营销中心会议管理制度")
    assert is_title_line("营销中心管理制度（完整）")
    assert is_title_line("营销中心安全管理目标")


def test_numbered_punctuated_or_kindless_lines_are_not_titles() -> None:
    assert not is_title_line("第2章计划管理制度")
    assert not is_title_line("本制度自发布之日起施行。")
    assert not is_title_line("总则")
    assert not is_title_line("营销" * 30 + "制度")


def test_compilation_is_split_at_each_title_line() -> None:
    parts = split_documents(
        _blocks(
            "会议管理制度",
            "一、会议的定义会议是工作的重要组成部分。",
            "日常管理制度",
            "一、工作时间和考勤管理",
        )
    )
    assert [p.title for p in parts] == ["会议管理制度", "日常管理制度"]
    assert [len(p.blocks) for p in parts] == [1, 1]


def test_title_repeated_at_the_start_of_the_next_line_is_dropped() -> None:
    parts = split_documents(_blocks("会议管理制度", "会议管理制度一、会议的定义会议是工作的组成部分。"))
    assert parts[0].blocks[0].text == "一、会议的定义会议是工作的组成部分。"
    assert [(d.text, d.reason) for d in parts[0].dropped] == [("会议管理制度", REASON_REPEATED_TITLE)]


def test_title_repeated_alone_on_the_next_line_is_dropped() -> None:
    parts = split_documents(
        _blocks("酒业公司营销中心规章制度", "酒业公司营销中心规章制度", "第一条为了加强管理，制定本制度。")
    )
    assert [b.text for b in parts[0].blocks] == ["第一条为了加强管理，制定本制度。"]
    assert parts[0].dropped[0].reason == REASON_REPEATED_TITLE


def test_title_repeated_with_dashes_and_partly_is_dropped() -> None:
    title = "营销管理中心管理手册营销管理中心机构设置制度范本"
    text = "营销管理中心--管理手册--营销管理中心机构设置目录第一部分"
    end = repeated_prefix_end(text, title)
    assert text[end:] == "目录第一部分"


def test_unrelated_next_line_is_kept_whole() -> None:
    assert repeated_prefix_end("双和佳苑营销管理手册2010.07", "营销管理手册") == 0


def test_title_variants_on_consecutive_lines_open_one_document() -> None:
    parts = split_documents(_blocks("营销中心目标管理制度1", "营销中心目标管理制度", "总则", "1、目的意义"))
    assert [p.title for p in parts] == ["营销中心目标管理制度"]
    assert [b.text for b in parts[0].blocks] == ["总则", "1、目的意义"]
    assert [(d.text, d.reason) for d in parts[0].dropped] == [("营销中心目标管理制度1", REASON_TITLE_VARIANT)]


def test_text_before_the_first_title_is_a_document_without_a_title() -> None:
    parts = split_documents(_blocks("第一条为规范管理，制定本制度。", "会议管理制度", "一、会议的定义"))
    assert [p.title for p in parts] == ["", "会议管理制度"]


def test_a_title_as_the_last_line_does_not_open_a_document() -> None:
    parts = split_documents(_blocks("第一条为规范管理，制定本制度。", "会议管理制度"))
    assert len(parts) == 1 and len(parts[0].blocks) == 2
