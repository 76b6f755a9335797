"""The order of numbering systems in one document, read from how it nests them."""

from __future__ import annotations

from importers.blocks import Block
from importers.levels import nesting_evidence


def _blocks(*lines: str) -> list[Block]:
    return [Block(text, f"a.txt:{i}") for i, text in enumerate(lines, 1)]


def test_lists_started_inside_another_system_are_counted() -> None:
    evidence = nesting_evidence(
        _blocks("1.总体要求", "（一）要求一", "（二）要求二", "2.具体要求", "（一）甲", "（二）乙")
    )
    assert evidence == {("1.", "（一）"): 2}


def test_the_conventional_order_is_counted_the_same_way() -> None:
    evidence = nesting_evidence(_blocks("一、甲", "1.子", "二、乙", "1.子"))
    assert evidence == {("一、", "1."): 2}


def test_named_systems_are_left_out_and_break_the_chain() -> None:
    # 第一章 stands between 1. and （一）: no evidence that （一） lives inside 1.
    evidence = nesting_evidence(_blocks("1.甲", "第一章 总则", "（一）乙"))
    assert evidence == {}


def test_a_list_that_does_not_start_at_one_is_no_evidence() -> None:
    assert nesting_evidence(_blocks("一、甲", "2.乙")) == {}


def test_a_first_of_list_number_after_a_lines_first_words_counts() -> None:
    assert nesting_evidence(_blocks("一、职责：1、制定计划；2、执行计划。")) == {("一、", "1、"): 1}


def test_tables_and_word_headings_bring_no_evidence() -> None:
    blocks = [
        Block("一、甲", "a:1", outline_level=1),
        Block("", "a:2", table=(("1.子",),)),
        Block("1.子", "a:3", outline_level=2),
    ]
    assert nesting_evidence(blocks) == {}
