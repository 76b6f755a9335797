"""The search service on a small hand-made handbook: every query feature, end to end."""

from __future__ import annotations

import pytest

from search.analysis import Segmenter
from search.index import IndexMissing
from search.service import OR_NOTICE, WhooshSearchEngine


def keys(engine: WhooshSearchEngine, query: str, **kwargs: object) -> list[str]:
    return [h.key for h in engine.search(query, **kwargs).hits]  # type: ignore[arg-type]


def test_a_question_finds_the_clause_that_answers_it(small_engine: WhooshSearchEngine) -> None:
    results = small_engine.search("会议纪要由谁签署?")
    assert results.hits[0].key == "meeting-rules#三-4"
    assert results.mode == "and"
    assert results.notice is None


def test_hits_link_to_the_clause_in_the_release_site(small_engine: WhooshSearchEngine) -> None:
    hit = small_engine.search("会议纪要 签署").hits[0]
    assert hit.url == "/site/2026.1/regulations/meeting-rules/#三-4"
    assert hit.heading_path == ("三、会议的组织",)
    assert hit.number == "4."


def test_all_words_are_required_by_default(small_engine: WhooshSearchEngine) -> None:
    assert keys(small_engine, "会议纪要 参会人员") == ["meeting-rules#五-2"]


def test_or_fallback_with_a_notice_when_no_clause_has_every_word(small_engine: WhooshSearchEngine) -> None:
    results = small_engine.search("样板间 隐私")
    assert results.mode == "or"
    assert results.notice == OR_NOTICE
    assert {"case-site-rules#第十条", "case-site-rules#第十一条"} <= {h.key for h in results.hits}


def test_quoted_phrase_needs_the_words_in_order(small_engine: WhooshSearchEngine) -> None:
    assert keys(small_engine, '"纪要需及时"') == ["meeting-rules#五-2"]
    assert keys(small_engine, '"及时纪要"') == []


def test_exclusion_removes_clauses_with_the_word(small_engine: WhooshSearchEngine) -> None:
    with_all = set(keys(small_engine, "会议纪要"))
    without = set(keys(small_engine, "会议纪要 -签署"))
    assert "meeting-rules#三-4" in with_all
    assert without == with_all - {"meeting-rules#三-4"}


@pytest.mark.parametrize("query", ["第十条 会议", "第10条 会议"])
def test_clause_number_with_a_word_finds_that_clause_of_that_document(
    small_engine: WhooshSearchEngine, query: str
) -> None:
    assert keys(small_engine, query)[0] == "meeting-rules#第十条"


def test_clause_number_alone_finds_every_document_s_clause(small_engine: WhooshSearchEngine) -> None:
    assert set(keys(small_engine, "第十条")) == {"meeting-rules#第十条", "case-site-rules#第十条"}


def test_document_filter_matches_words_of_the_title(small_engine: WhooshSearchEngine) -> None:
    found = keys(small_engine, "文档:案场 营销中心")
    assert found
    assert all(k.startswith("case-site-rules") for k in found)


def test_kind_filter_finds_job_descriptions(small_engine: WhooshSearchEngine) -> None:
    results = small_engine.search("kind:岗位 回款")
    assert [h.key for h in results.hits] == ["job:sales-manager"]
    assert results.hits[0].url == "/site/2026.1/jobs/sales-manager/"


def test_department_filter(small_engine: WhooshSearchEngine) -> None:
    assert keys(small_engine, "部门:销售部 投诉") == ["job:sales-manager"]
    assert keys(small_engine, "部门:市场部 投诉") == []


def test_matched_words_are_highlighted_and_html_escaped(small_engine: WhooshSearchEngine) -> None:
    hit = small_engine.search("下月目标").hits[0]
    assert hit.key == "target-rules#四-2"
    assert "<mark>下月目标</mark>" in hit.highlight
    assert "&quot;" not in hit.text and "“PDCA循环”" in hit.highlight


def test_highlighting_can_be_switched_off(small_engine: WhooshSearchEngine) -> None:
    assert small_engine.search("下月目标", highlight=False).hits[0].highlight == ""


def test_total_counts_every_match_beyond_the_limit(small_engine: WhooshSearchEngine) -> None:
    everything = small_engine.search("营销中心", limit=100)
    limited = small_engine.search("营销中心", limit=2)
    assert len(limited.hits) == 2
    assert limited.total == everything.total == len(everything.hits) > 2


def test_hits_are_grouped_by_document_in_rank_order(small_engine: WhooshSearchEngine) -> None:
    results = small_engine.search("会议", limit=20)
    groups = results.groups
    assert groups[0].document_slug == results.hits[0].document_slug
    assert sum(len(g.hits) for g in groups) == len(results.hits)
    assert len({g.document_slug for g in groups}) == len(groups)


def test_json_has_the_issue_s_shape(small_engine: WhooshSearchEngine) -> None:
    data = small_engine.search("会议纪要 签署").to_json()
    assert set(data) >= {"query", "total", "hits"}
    hit = data["hits"][0]
    assert set(hit) >= {"document", "number", "heading_path", "text", "highlight", "url", "score"}
    assert isinstance(hit["heading_path"], list) and isinstance(hit["score"], float)


def test_release_in_the_query_picks_the_index(small_engine: WhooshSearchEngine) -> None:
    assert small_engine.search("release:2026.1 会议").release == "2026.1"
    with pytest.raises(IndexMissing):
        small_engine.search("release:1999 会议")


def test_the_parsed_query_is_cached(small_engine: WhooshSearchEngine) -> None:
    small_engine.search("回款 目标")
    before = small_engine._prepare.cache_info().hits
    small_engine.search("回款 目标")
    assert small_engine._prepare.cache_info().hits == before + 1


def test_synonyms_find_the_handbook_s_own_words(
    small_engine: WhooshSearchEngine, segmenter: Segmenter
) -> None:
    assert "meeting-rules#第十条" in keys(small_engine, "开会 迟到")
    literal = WhooshSearchEngine(small_engine._root, segmenter, synonyms={})
    try:
        assert literal.search("开会 迟到").mode == "or"  # 开会 alone is not in the text
    finally:
        literal.close()
