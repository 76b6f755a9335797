"""Warm-up: frequent postings read ahead (in gunicorn's master), adopted by engines opened later."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path

import pytest

from domain.model import Handbook, Release
from search import service
from search.analysis import Segmenter
from search.index import build_index, live_directory
from search.service import WhooshSearchEngine, dictionaries, open_engine, preload, warm_indexes
from search.sources import release_source
from search.warmup import WarmBudget, WarmState, frequent_terms, open_searcher, warm_state

QUERIES = [
    "会议纪要由谁签署?",
    "营销中心 管理",
    "回款 -目标",
    '"会议主持人"',
    "第十条 案场",
    "客户 投诉 处理",
]


def ranking(engine: WhooshSearchEngine, query: str) -> tuple[int, list[tuple[str, float]]]:
    results = engine.search(query)
    return results.total, [(hit.key, hit.score) for hit in results.hits]


@pytest.fixture(scope="module")
def warm_states(real_index_root: Path) -> dict[Path, WarmState]:
    states: dict[Path, WarmState] = {}
    warm_indexes(real_index_root, WarmBudget(), store=states)
    return states


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


def test_the_warm_up_reads_the_most_frequent_terms_within_its_postings_budget(real_index_root: Path) -> None:
    directory = live_directory(real_index_root, "current")
    searcher, _ = open_searcher(directory)
    (top, top_count), (second, second_count), *_ = frequent_terms(searcher)
    searcher.close()
    state = warm_state(directory, WarmBudget(max_postings=top_count + second_count), cache_limit=10**6)
    assert state.posting_count == top_count + second_count
    assert {key[-1] for key in state.postings} == {top.decode(), second.decode()}


def test_a_spent_time_budget_still_gives_the_norms_but_reads_no_postings(real_index_root: Path) -> None:
    state = warm_state(live_directory(real_index_root, "current"), WarmBudget(max_seconds=0.0), 10**6)
    assert state.postings == {}
    assert len(state.norms) > 0


def test_a_process_forked_after_preload_opens_its_engine_warm_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, segmenter: Segmenter, small_book: Handbook
) -> None:
    # Module state of this test only: what preload() records, and the engines forked children open.
    monkeypatch.setattr(service, "_WARM", {})
    monkeypatch.setattr(service, "_OPEN_AFTER_FORK", set())
    index_root = tmp_path / service.INDEX_DIR
    release = Release("2026.1", "2026 年第 1 版", dt.date(2026, 1, 1), small_book.documents)
    build_index(index_root, "2026.1", release_source(release).search_documents(), segmenter)
    preload(tmp_path)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child, as a gunicorn worker right after the fork: no query yet
        code = 1
        try:
            engine = open_engine(index_root, dictionaries(tmp_path))
            os.write(write_end, json.dumps(engine.cached_postings()).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = json.loads(pipe.read() or b"{}")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert list(report) == ["2026.1"]
    assert report["2026.1"] == sum(s.posting_count for s in service._WARM.values()) > 0


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
