"""Our speed-ups change no result: precomputed BM25 and the cached evaluator agree with Whoosh."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh import scoring

from search.analysis import Segmenter
from search.documents import SearchDocument
from search.evaluation import CachedEvaluator
from search.index import build_index, open_index
from search.scoring import PrecomputedBM25, length_norms

TEXTS = ["会议纪要由会议主持人签署", "会议", "", "每月28日前制订下月目标，会议纪要及时分发", "样板间和会议室"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Path:
    root = tmp_path_factory.mktemp("scoring")
    docs = [SearchDocument(f"d{i}", "clause", "制度", "s", "", "", (), t, "/") for i, t in enumerate(TEXTS)]
    return build_index(root, "r", docs, segmenter)


QUERIES = [
    wq.Term("content", "会议"),
    wq.And([wq.Term("content", "会议"), wq.Term("content", "纪要")]),
    wq.Or([wq.Term("content", "样板间"), wq.Term("content", "目标")]),
    wq.AndNot(wq.Term("content", "会议"), wq.Term("content", "样板间")),
    wq.AndMaybe(wq.Term("content", "会议"), wq.Term("content", "会议纪要")),
    wq.Phrase("phrases", ["会议", "纪要"]),
]


@pytest.mark.parametrize("q", QUERIES, ids=str)
def test_precomputed_norms_score_like_whoosh_bm25f(index_dir: Path, q: wq.Query) -> None:
    ix = open_index(index_dir)
    with ix.searcher(weighting=scoring.BM25F()) as plain:
        expected = {hit.docnum: hit.score for hit in plain.search(q, limit=None)}
    model = PrecomputedBM25()
    with ix.searcher(weighting=model) as fast:
        model.norms["content"] = length_norms(fast, "content")
        found = {hit.docnum: hit.score for hit in fast.search(q, limit=None)}
    assert found.keys() == expected.keys()
    assert found == pytest.approx(expected)


@pytest.mark.parametrize("q", QUERIES, ids=str)
def test_cached_evaluator_finds_whoosh_s_matches_scores_and_order(index_dir: Path, q: wq.Query) -> None:
    ix = open_index(index_dir)
    model = PrecomputedBM25()
    with ix.searcher(weighting=model) as searcher:
        model.norms["content"] = length_norms(searcher, "content")
        expected = [(hit.score, hit.docnum) for hit in searcher.search(q, limit=None)]
        evaluator = CachedEvaluator(searcher, model)
        for _ in range(2):  # cold, then from the cache
            top, total = evaluator.top(q, limit=len(TEXTS))
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
