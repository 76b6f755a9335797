"""Precomputed BM25 (length norms computed once) scores exactly like Whoosh's BM25F."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh import scoring

from search.index import open_index
from search.scoring import PrecomputedBM25, length_norms

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
