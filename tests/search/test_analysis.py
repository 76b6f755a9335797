"""The analyzer: words, numbers, positions that make phrases work."""

from __future__ import annotations

from search.analysis import (
    PresegmentedTokenizer,
    Segmenter,
    chinese_numeral_value,
    clause_number_key,
    decode_groups,
    encode_groups,
)


def test_chinese_numerals_become_integers() -> None:
    assert [chinese_numeral_value(n) for n in ("十", "十一", "二十", "二十三", "一百零五", "两", "12")] == [
        10,
        11,
        20,
        23,
        105,
        2,
        12,
    ]
    assert chinese_numeral_value("条") is None


def test_clause_numbers_in_chinese_and_arabic_are_one_key() -> None:
    assert clause_number_key("第十条") == clause_number_key("第10条") == "第10条"
    assert clause_number_key("第二十三章") == "第23章"
    assert clause_number_key("一、") == "一、"


def test_compound_words_carry_their_subwords_in_one_position_group(segmenter: Segmenter) -> None:
    groups = segmenter.groups("整理成会议纪要")
    assert ("会议", "纪要", "会议纪要") in groups


def test_company_dictionary_keeps_domain_words_whole(segmenter: Segmenter) -> None:
    words = segmenter.words("严禁窜货，按时回款")
    assert "窜货" in words
    assert "回款" in words


def test_numbers_are_kept_with_their_unit(segmenter: Segmenter) -> None:
    groups = segmenter.groups("每月28日前制订下月目标，见第十条")
    assert ("28", "28日") in groups
    assert ("第10条",) in groups


def test_latin_letters_and_full_width_forms_are_folded(segmenter: Segmenter) -> None:
    assert segmenter.words("ＰＤＣＡ") == segmenter.words("pdca") == ["pdca"]


def test_stopwords_and_punctuation_are_dropped(segmenter: Segmenter) -> None:
    words = segmenter.words("会议的效果，。")
    assert words == ["会议", "效果"]


def test_presegmented_tokens_share_a_position_per_group() -> None:
    value = encode_groups([("会议", "纪要", "会议纪要"), ("需",), ("及时",)])
    assert list(decode_groups(value)) == [("会议", "纪要", "会议纪要"), ("需",), ("及时",)]
    tokens = [(t.text, t.pos) for t in PresegmentedTokenizer()(value, positions=True)]
    assert tokens == [("会议", 0), ("纪要", 0), ("会议纪要", 0), ("需", 1), ("及时", 2)]
