"""Exact match counts from cached per-term bitmaps, without scoring.

The top-N collector skips posting blocks that cannot reach the top, so it
cannot count; counting by walking every match through Whoosh's matchers
costs as much as the search itself.  Here each term's documents become one
Python integer used as a bitmap (bit *n* = document *n*), cached per open
searcher; a query's count is then a few ``&``/``|`` on integers and one
``bit_count``.  The walk follows the Whoosh query tree, so the count has
the same meaning as the results (phrases are checked by Whoosh itself).
"""

from __future__ import annotations

from collections import OrderedDict

from whoosh import query as wq
from whoosh.searching import Searcher


class TermBitmaps:
    """Bitmaps of the documents of terms (and phrases) of one searcher, least recently used dropped."""

    def __init__(self, searcher: Searcher, max_entries: int = 4096) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._all: int = (1 << int(searcher.doc_count_all())) - 1
        self._cache: OrderedDict[tuple[object, ...], int] = OrderedDict()
        self._max = max_entries

    def count(self, q: wq.Query) -> int:
        return self.bitmap(q).bit_count()

    def bitmap(self, q: wq.Query) -> int:
        if isinstance(q, wq.Term):
            return self._cached(("term", q.fieldname, q.text), lambda: self._term(q.fieldname, q.text))
        if isinstance(q, wq.And):
            result = self._all
            for sub in q.subqueries:
                result &= self.bitmap(sub)
                if not result:
                    break
            return result
        if isinstance(q, wq.Or):
            result = 0
            for sub in q.subqueries:
                result |= self.bitmap(sub)
            return result
        if isinstance(q, wq.AndMaybe):
            return self.bitmap(q.a)
        if isinstance(q, wq.AndNot):
            return self.bitmap(q.a) & ~self.bitmap(q.b)
        if isinstance(q, wq.ConstantScoreQuery):
            return self.bitmap(q.child)
        if isinstance(q, wq.Every):
            return self._all
        # Phrases and anything else: let Whoosh find the documents, then cache them.
        return self._cached(("query", repr(q)), lambda: _bits(self._searcher.docs_for_query(q)))

    def _term(self, fieldname: str, text: str) -> int:
        if (fieldname, text) not in self._reader:
            return 0
        return _bits(self._reader.postings(fieldname, text).all_ids())

    def _cached(self, key: tuple[object, ...], make: object) -> int:
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        value: int = make()  # type: ignore[operator]
        self._cache[key] = value
        if len(self._cache) > self._max:
            self._cache.popitem(last=False)
        return value


def _bits(ids: object) -> int:
    """A bitmap from document numbers (bytearray first: shifting a big int per id is quadratic)."""
    numbers = list(ids)  # type: ignore[call-overload]
    if not numbers:
        return 0
    buffer = bytearray(max(numbers) // 8 + 1)
    for n in numbers:
        buffer[n >> 3] |= 1 << (n & 7)
    return int.from_bytes(buffer, "little")
