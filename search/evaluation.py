"""Term-at-a-time evaluation of our compiled queries over cached postings.

Whoosh evaluates a query document by document through a tree of Python
matchers (leapfrogging ``skip_to``, ``is_active``, ``id`` calls on every
node).  For broad queries (``营销中心 管理`` matches a sixth of the clauses)
that costs ≈ 20 µs per matching document.  Here each term's postings are
read once from the Whoosh index into a dict ``docnum → BM25 contribution``
(kept in a bounded LRU cache per opened searcher) and a query becomes dict
key-set operations and sums, which run at C speed: the same matches, the
same scores (Whoosh's BM25F with the same norms), the same tie order.

Only the query shapes :mod:`search.matching` produces are evaluated here
(Term, And, Or, AndMaybe, AndNot, ConstantScoreQuery, Every); anything else,
phrases included, is run by Whoosh and its scored matches cached.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from operator import add, itemgetter, mul, truediv
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from search.postings import BisectingLeafMatcher
from search.scoring import NormScorer, PrecomputedBM25

Scores = dict[int, float]


class CachedEvaluator:
    """Evaluates queries for one searcher; ``max_postings`` bounds the cache (≈ 100 bytes each)."""

    def __init__(self, searcher: Searcher, weighting: PrecomputedBM25, max_postings: int = 1_000_000) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._weighting = weighting
        self._cache: OrderedDict[tuple[str, ...], Scores] = OrderedDict()
        self._cached_postings = 0
        self._max = max_postings

    @property
    def cached_postings(self) -> int:
        return self._cached_postings

    def term_scores(self, fieldname: str, text: str) -> Scores:
        """One term's ``docnum → BM25 contribution``, read into the cache if it is not there."""
        return self._term(fieldname, text)

    def export(self) -> dict[tuple[str, ...], Scores]:
        """The cached entries (shared, not copied: callers must not change them)."""
        return dict(self._cache)

    def adopt(self, entries: dict[tuple[str, ...], Scores]) -> None:
        """Take entries computed for the same index elsewhere (e.g. before a fork), within the bound."""
        for key, scores in entries.items():
            if key not in self._cache and self._cached_postings + len(scores) <= self._max:
                self._cache[key] = scores
                self._cached_postings += len(scores)

    def top(self, q: wq.Query, limit: int) -> tuple[list[tuple[float, int]], int]:
        """The best ``limit`` (score, docnum), best first (ties: lower docnum first), and the match count."""
        scores = self.scores(q)
        best = heapq.nlargest(limit, scores.items(), key=itemgetter(1))
        if best:
            # Whoosh breaks ties by document number; re-rank everything tied with the last place.
            floor = best[-1][1]
            tied = [item for item in scores.items() if item[1] >= floor]
            best = sorted(tied, key=lambda item: (-item[1], item[0]))[:limit]
        return [(score, docnum) for docnum, score in best], len(scores)

    def scores(self, q: wq.Query) -> Scores:
        if isinstance(q, wq.Term):
            scores = self._term(q.fieldname, q.text)
            return {d: s * q.boost for d, s in scores.items()} if q.boost != 1.0 else scores
        if isinstance(q, wq.And):
            # Nested ANDs are flattened, so that the rarest term of all drives the intersection.
            return _intersection([self.scores(sub) for sub in _flat(q, wq.And)])
        if isinstance(q, wq.Or):
            return _union([self.scores(sub) for sub in _flat(q, wq.Or)])
        if isinstance(q, wq.AndMaybe):
            required, optional = self.scores(q.a), self.scores(q.b)
            keys = list(required)
            return dict(
                zip(
                    keys,
                    map(add, map(required.__getitem__, keys), map(optional.get, keys, repeat(0.0))),
                    strict=True,
                )
            )
        if isinstance(q, wq.AndNot):
            kept, excluded = self.scores(q.a), self.scores(q.b)
            return {d: s for d, s in kept.items() if d not in excluded}
        if isinstance(q, wq.ConstantScoreQuery):
            return dict.fromkeys(self.scores(q.child), float(q.score))
        if isinstance(q, wq.Every):
            return dict.fromkeys(range(self._reader.doc_count_all()), 1.0)
        return self._cached(("query", repr(q)), lambda: self._by_whoosh(q))

    def _term(self, fieldname: str, text: str) -> Scores:
        return self._cached(("term", fieldname, text), lambda: self._read_term(fieldname, text))

    def _read_term(self, fieldname: str, text: str) -> Scores:
        if (fieldname, text) not in self._reader:
            return {}
        scorer = self._weighting.scorer(self._searcher, fieldname, text)
        matcher = self._reader.postings(fieldname, text, scorer=scorer)
        norms = self._weighting.norms.get(fieldname)
        if norms is not None and isinstance(scorer, NormScorer) and isinstance(matcher, BisectingLeafMatcher):
            return _bm25_postings(matcher, scorer.factor, norms)
        scores: Scores = {}
        while matcher.is_active():
            scores[matcher.id()] = matcher.score()
            matcher.next()
        return scores

    def _by_whoosh(self, q: wq.Query) -> Scores:
        return {hit.docnum: hit.score for hit in self._searcher.search(q, limit=None)}

    def _cached(self, key: tuple[str, ...], make: Any) -> Scores:
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        value: Scores = make()
        self._cache[key] = value
        self._cached_postings += len(value)
        while self._cached_postings > self._max and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._cached_postings -= len(dropped)
        return value


def _bm25_postings(matcher: BisectingLeafMatcher, factor: float, norms: Sequence[float]) -> Scores:
    """``factor·w / (w + norm[d])`` for every posting, block by block, computed by map() in C."""
    scores: Scores = {}
    for ids, weights in matcher.block_postings():
        doc_norms = map(norms.__getitem__, ids)
        values = map(truediv, map(mul, weights, repeat(factor)), map(add, weights, doc_norms))
        scores.update(zip(ids, values, strict=True))
    return scores


def _flat(q: wq.Query, kind: type) -> list[wq.Query]:
    """The operands of nested ANDs (or ORs) as one list: the scores are sums either way."""
    out: list[wq.Query] = []
    for sub in q.subqueries:
        out += _flat(sub, kind) if type(sub) is kind else [sub]
    return out


# The sums below iterate with map() over C functions (dict.__getitem__, dict.get, operator.add):
# a Python-level loop or generator per document cost several times more on broad queries.


def _intersection(children: list[Scores]) -> Scores:
    if not children:
        return {}
    children.sort(key=len)
    keys: Iterable[int] = children[0].keys()
    for child in children[1:]:
        keys = keys & child.keys()
    keys = list(keys)
    return _summed(keys, children, lambda child: map(child.__getitem__, keys))


def _union(children: list[Scores]) -> Scores:
    if len(children) <= 1:
        return children[0] if children else {}
    keys = list(set().union(*children))
    return _summed(keys, children, lambda child: map(child.get, keys, repeat(0.0)))


def _summed(
    keys: list[int], children: list[Scores], values_of: Callable[[Scores], Iterator[float]]
) -> Scores:
    values: Iterable[float] = values_of(children[0])
    for child in children[1:]:
        values = map(add, values, values_of(child))
    return dict(zip(keys, values, strict=True))
