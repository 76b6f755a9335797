"""Warm-up: a release's norms and most frequent postings read ahead into plain data, within a budget."""

from __future__ import annotations

from pathlib import Path

from search.index import live_directory
from search.warmup import WarmBudget, frequent_terms, open_searcher, warm_state


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
