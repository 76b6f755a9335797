"""The Whoosh engine on a small hand-made handbook: every query feature, end to end."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from domain.model import Handbook, Release
from search.analysis import Segmenter
from search.engine import OR_NOTICE, WhooshSearchEngine
from search.index import IndexMissing, build_index, live_directory
from search.sources import release_source
from search.warmup import WarmBudget, WarmState, warm_state

QUERIES = [
    "会议纪要由谁签署?",
    "营销中心 管理",
    "回款 -目标",
    '"会议主持人"',
    "第十条 案场",
    "客户 投诉 处理",
]


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


def test_matched_words_are_highlighted_as_marked_ranges_of_the_plain_text(
    small_engine: WhooshSearchEngine,
) -> None:
    hit = small_engine.search("下月目标").hits[0]
    assert hit.key == "target-rules#四-2"
    assert hit.highlight is not None
    assert "下月目标" in hit.highlight.marked()
    assert "&quot;" not in hit.text and "“PDCA循环”" in hit.highlight.text


def test_highlighting_can_be_switched_off(small_engine: WhooshSearchEngine) -> None:
    assert small_engine.search("下月目标", highlight=False).hits[0].highlight is None


def test_total_counts_every_match_beyond_the_limit(small_engine: WhooshSearchEngine) -> None:
    everything = small_engine.search("营销中心", limit=100)
    limited = small_engine.search("营销中心", limit=2)
    assert len(limited.hits) == 2
    assert limited.total == everything.total == len(everything.hits) > 2


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


# Warm states: adopted when a release opens, or read in the background after an index swap.


def ranking(engine: WhooshSearchEngine, query: str) -> tuple[int, list[tuple[str, float]]]:
    results = engine.search(query)
    return results.total, [(hit.key, hit.score) for hit in results.hits]


def test_an_engine_adopting_a_warm_up_holds_postings_before_its_first_query(
    real_index_root: Path, segmenter: Segmenter, warm_states: dict[Path, WarmState]
) -> None:
    engine = WhooshSearchEngine(real_index_root, segmenter, warm_states=warm_states)
    engine.open_releases()
    (state,) = warm_states.values()
    assert state.posting_count > 0
    assert list(engine.cached_postings().values()) == [state.posting_count]
    engine.close()


def test_a_warmed_up_engine_finds_and_ranks_exactly_like_a_cold_one(
    real_index_root: Path, segmenter: Segmenter, warm_states: dict[Path, WarmState]
) -> None:
    warm = WhooshSearchEngine(real_index_root, segmenter, warm_states=warm_states)
    cold = WhooshSearchEngine(real_index_root, segmenter, warm_states={})
    for query in QUERIES:
        assert ranking(warm, query) == ranking(cold, query), query
    assert ranking(warm, "营销中心 管理")[0] > 10  # a broad query, served from warmed postings
    warm.close()
    cold.close()


def test_an_index_swapped_under_a_running_portal_engine_is_warmed_in_the_background(
    tmp_path: Path, segmenter: Segmenter, small_book: Handbook
) -> None:
    release = Release("2026.1", "2026 年第 1 版", dt.date(2026, 1, 1), small_book.documents)
    documents = release_source(release).search_documents()
    build_index(tmp_path, "2026.1", documents, segmenter)
    engine = WhooshSearchEngine(tmp_path, segmenter, warm_states={}, rewarm=WarmBudget())
    engine.search("样板间")
    build_index(tmp_path, "2026.1", documents[:-1], segmenter)
    engine.search("样板间")  # sees the swap: opens the new build, starts the warm-up
    for warmer in [t for t in threading.enumerate() if t.name == "search-warm-2026.1"]:
        warmer.join(timeout=30)
    directory = live_directory(tmp_path, "2026.1")
    expected = warm_state(directory, WarmBudget(), 10**6).posting_count
    assert engine.cached_postings()["2026.1"] >= expected > 0
    cold = WhooshSearchEngine(tmp_path, segmenter, warm_states={})
    for query in QUERIES:
        assert ranking(engine, query) == ranking(cold, query), query
    engine.close()
    cold.close()
