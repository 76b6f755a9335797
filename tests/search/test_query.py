"""The query language, parsed into plain values."""

from __future__ import annotations

import pytest

from search.analysis import Segmenter
from search.query import QueryError, parse_query


def test_plain_words_are_required_and_question_words_dropped(segmenter: Segmenter) -> None:
    parsed = parse_query("会议纪要由谁签署?", segmenter)
    assert [w.text for w in parsed.words] == ["会议纪要", "签署"]
    assert {"由", "谁"} <= set(parsed.ignored)
    assert all(not w.optional for w in parsed.words)


def test_single_characters_only_raise_the_score(segmenter: Segmenter) -> None:
    parsed = parse_query("会议 卡", segmenter)
    assert {w.text: w.optional for w in parsed.words} == {"会议": False, "卡": True}


def test_a_query_of_single_characters_requires_them(segmenter: Segmenter) -> None:
    parsed = parse_query("卡", segmenter)
    assert [(w.text, w.optional) for w in parsed.words] == [("卡", False)]


def test_quoted_phrases_in_ascii_and_chinese_quotes(segmenter: Segmenter) -> None:
    parsed = parse_query('"会议纪要需及时" “目标管理卡”', segmenter)
    assert parsed.phrases == (("会议纪要", "需", "及时"),)
    assert [w.text for w in parsed.words] == ["目标管理卡"]  # a one-word phrase is that word


def test_minus_excludes_words(segmenter: Segmenter) -> None:
    parsed = parse_query("回款 -窜货", segmenter)
    assert [w.text for w in parsed.words] == ["回款"]
    assert parsed.excluded == (("窜货",),)


def test_clause_numbers_in_either_notation_become_one_number(segmenter: Segmenter) -> None:
    assert parse_query("第十条 会议", segmenter).numbers == ("第10条",)
    assert parse_query("第10条 会议", segmenter).numbers == ("第10条",)


def test_field_filters_in_chinese_and_english(segmenter: Segmenter) -> None:
    parsed = parse_query("文档：会议 kind:岗位 release:2026.1 部门:销售部 回款", segmenter)
    assert parsed.documents == (("会议",),)
    assert parsed.kinds == ("job",)
    assert parsed.release == "2026.1"
    assert parsed.departments == (("销售部",),)
    assert [w.text for w in parsed.words] == ["回款"]


def test_a_colon_that_is_not_a_filter_stays_text(segmenter: Segmenter) -> None:
    parsed = parse_query("9:00", segmenter)
    assert [w.text for w in parsed.words] == ["9:00"]


def test_unknown_kind_is_a_user_error(segmenter: Segmenter) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("kind:菜谱", segmenter)
    assert "菜谱" in caught.value.user_message


def test_empty_query_is_a_user_error(segmenter: Segmenter) -> None:
    with pytest.raises(QueryError):
        parse_query("  的 ？", segmenter)


def test_query_words_get_their_synonyms_as_word_lists(segmenter: Segmenter) -> None:
    parsed = parse_query("开除 上班", segmenter, {"开除": ("解除+劳动合同",), "上班": ("工作时间",)})
    alternatives = {w.text: w.alternatives for w in parsed.words}
    assert alternatives == {"开除": (("解除", "劳动合同"),), "上班": (("工作时间",),)}
    assert "劳动合同" in parsed.highlight_terms
