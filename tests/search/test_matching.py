"""A parsed query as Whoosh query objects: required words, the OR fallback, filters that score nothing."""

from __future__ import annotations

from whoosh import query as wq

from search.matching import CONTENT, compile_query, word_match
from search.query import ParsedQuery, Word


def term(text: str) -> wq.Term:
    return wq.Term(CONTENT, text)


def test_every_word_is_required_and_any_word_will_do_in_the_fallback() -> None:
    parsed = ParsedQuery("回款 目标", (Word("回款"), Word("目标")))
    assert compile_query(parsed) == wq.And([term("回款"), term("目标")])
    assert compile_query(parsed, any_word=True) == wq.Or([term("回款"), term("目标")])


def test_a_word_covered_by_its_sub_words_needs_them_and_the_whole_word_only_raises_the_score() -> None:
    word = Word("会议纪要", ("会议", "纪要"))
    assert word_match(word) == wq.And([term("会议"), term("纪要")])
    assert compile_query(ParsedQuery("会议纪要", (word,))) == wq.AndMaybe(
        wq.And([term("会议"), term("纪要")]), term("会议纪要")
    )


def test_sub_words_that_do_not_cover_the_word_are_not_used() -> None:
    assert word_match(Word("营销中心", ("营销",))) == term("营销中心")


def test_a_synonym_is_an_alternative_of_its_words() -> None:
    word = Word("开除", alternatives=(("解除", "劳动合同"),))
    assert word_match(word) == wq.Or([term("开除"), wq.And([term("解除"), term("劳动合同")])])


def test_excluded_words_are_taken_away() -> None:
    parsed = ParsedQuery("会议 -签署", (Word("会议"),), excluded=(("签署",),))
    assert compile_query(parsed) == wq.AndNot(term("会议"), wq.Or([term("签署")]))


def test_filters_alone_match_with_a_constant_score() -> None:
    q = compile_query(ParsedQuery("kind:岗位", kinds=("job",)))
    assert q == wq.ConstantScoreQuery(wq.ConstantScoreQuery(wq.Or([wq.Term("kind", "job")]), 0.0), 1.0)


def test_nothing_to_match_matches_everything() -> None:
    assert compile_query(ParsedQuery("")) == wq.Every()
