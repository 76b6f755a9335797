"""The cached evaluator: Whoosh's matches, scores and order, from postings it keeps in memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq

from search.evaluation import CachedEvaluator
from search.index import open_index
from search.scoring import PrecomputedBM25, length_norms

TINY_TEXTS_COUNT = 5  # the documents of the ``index_dir`` fixture (conftest)

QUERIES = [
    wq.Term("content", "会议"),
    wq.And([wq.Term("content", "会议"), wq.Term("content", "纪要")]),
    wq.Or([wq.Term("content", "样板间"), wq.Term("content", "目标")]),
    wq.AndNot(wq.Term("content", "会议"), wq.Term("content", "样板间")),
    wq.AndMaybe(wq.Term("content", "会议"), wq.Term("content", "会议纪要")),
    wq.Phrase("phrases", ["会议", "纪要"]),
]


@pytest.mark.parametrize("q", QUERIES, ids=str)
def test_cached_evaluator_finds_whoosh_s_matches_scores_and_order(index_dir: Path, q: wq.Query) -> None:
    ix = open_index(index_dir)
    model = PrecomputedBM25()
    with ix.searcher(weighting=model) as searcher:
        model.norms["content"] = length_norms(searcher, "content")
        expected = [(hit.score, hit.docnum) for hit in searcher.search(q, limit=None)]
        evaluator = CachedEvaluator(searcher, model)
        for _ in range(2):  # cold, then from the cache
            top, total = evaluator.top(q, limit=TINY_TEXTS_COUNT)
            assert total == len(expected)
            assert [d for _, d in top] == [d for _, d in expected]
            assert [s for s, _ in top] == pytest.approx([s for s, _ in expected])


def test_the_postings_cache_stays_within_its_bound(index_dir: Path) -> None:
    ix = open_index(index_dir)
    model = PrecomputedBM25()
    with ix.searcher(weighting=model) as searcher:
        model.norms["content"] = length_norms(searcher, "content")
        evaluator = CachedEvaluator(searcher, model, max_postings=3)
        for word in ("会议", "纪要", "目标", "样板间"):
            evaluator.scores(wq.Term("content", word))
            assert evaluator.cached_postings <= 3 or len(evaluator._cache) == 1
        assert evaluator.scores(wq.Term("content", "会议")).keys() == {0, 1, 3, 4}


def test_an_exported_cache_is_adopted_by_another_evaluator_of_the_same_build(index_dir: Path) -> None:
    ix = open_index(index_dir)
    model = PrecomputedBM25()
    with ix.searcher(weighting=model) as searcher:
        model.norms["content"] = length_norms(searcher, "content")
        first = CachedEvaluator(searcher, model)
        expected = first.scores(wq.Term("content", "会议"))
        second = CachedEvaluator(searcher, model)
        second.adopt(first.export())
        assert second.cached_postings == first.cached_postings > 0
        assert second.scores(wq.Term("content", "会议")) == expected
