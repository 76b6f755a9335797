"""Warming a release's search state before the first query needs it.

A query that is the first to touch a term pays for reading the term's
postings from the Whoosh index (and the first query on a freshly opened
index pays for the BM25 length norms): ≈ 16 ms p95 at 10k clauses, ≈ 80 ms
at 100k, against ≈ 1–6 ms once cached.  Most of that is the broad terms
(营销, 管理, 客户 …): the longer a posting list, the longer it takes to read,
and the more likely a query contains it.

So the most frequent content terms are read ahead, longest first, within a
budget of postings and of seconds, into a :class:`WarmState`: plain dicts
and arrays keyed by the build directory, no open files.  The portal builds
it in gunicorn's master before the fork (:func:`search.process.preload`);
each worker's engine adopts the state when it opens the same build, so the
work happens once per deployment and never inside a request.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.searching import Searcher

from search.evaluation import CachedEvaluator, Scores
from search.index import open_index
from search.matching import CONTENT
from search.scoring import PrecomputedBM25, length_norms, load_norms


@dataclass(frozen=True)
class WarmBudget:
    """How much a warm-up may read: postings (≈ 100 bytes each in memory) and seconds."""

    max_postings: int = 500_000
    max_seconds: float = 3.0


@dataclass(frozen=True)
class WarmState:
    """What an opened release needs before its first query, for one build directory."""

    directory: Path
    norms: array[float]
    postings: dict[tuple[str, ...], Scores] = field(default_factory=dict)

    @property
    def posting_count(self) -> int:
        return sum(len(scores) for scores in self.postings.values())


def open_searcher(directory: Path, norms: array[float] | None = None) -> tuple[Searcher, PrecomputedBM25]:
    """A searcher on one build with our BM25 weighting (norms: given, saved with the build, or computed)."""
    weighting = PrecomputedBM25()
    searcher = open_index(directory).searcher(weighting=weighting)
    if norms is None:
        norms = load_norms(directory, CONTENT, searcher.doc_count_all())
    weighting.norms[CONTENT] = length_norms(searcher, CONTENT) if norms is None else norms
    return searcher, weighting


def frequent_terms(searcher: Searcher, fieldname: str = CONTENT) -> list[tuple[bytes, int]]:
    """The field's terms and their document frequencies, most frequent first (ties: by text)."""
    terms = [(text, info.doc_frequency()) for text, info in searcher.reader().iter_field(fieldname)]
    terms.sort(key=lambda item: (-item[1], item[0]))
    return terms


def warm_evaluator(evaluator: CachedEvaluator, searcher: Searcher, budget: WarmBudget) -> int:
    """Read the most frequent content terms into ``evaluator``'s cache; returns the postings read.

    Stops at the first term that would exceed the postings budget or once the
    time budget is spent, so a huge index costs at most ``max_seconds``.
    """
    deadline = time.perf_counter() + budget.max_seconds
    read = 0
    from_bytes = searcher.schema[CONTENT].from_bytes
    for text, _ in _within(frequent_terms(searcher), budget.max_postings):
        if time.perf_counter() > deadline:
            break
        read += len(evaluator.term_scores(CONTENT, from_bytes(text)))
    return read


def _within(terms: list[tuple[bytes, int]], max_postings: int) -> Iterator[tuple[bytes, int]]:
    total = 0
    for text, frequency in terms:
        if total + frequency > max_postings:
            return
        total += frequency
        yield text, frequency


def warm_state(directory: Path, budget: WarmBudget, cache_limit: int) -> WarmState:
    """Open ``directory``, compute its norms and read its frequent terms, close it again."""
    searcher, weighting = open_searcher(directory)
    try:
        evaluator = CachedEvaluator(searcher, weighting, cache_limit)
        limited = WarmBudget(min(budget.max_postings, cache_limit // 2), budget.max_seconds)
        warm_evaluator(evaluator, searcher, limited)
        return WarmState(directory, weighting.norms[CONTENT], evaluator.export())
    finally:
        searcher.close()
