"""Whoosh's posting format with a faster ``skip_to``: a codec of our own.

Intersections (``A AND B``) leapfrog: each posting list is asked to skip to
the other's current document.  Whoosh's block reader does that by calling
``next()`` posting after posting inside a block; on broad queries that loop
is the largest single cost.  This reader skips whole blocks by their header
(as Whoosh does) and then bisects the block's sorted document numbers.
The on-disk format is Whoosh's own (W3); only reading changes.  The codec
class is recorded in the index, so every reader of our indexes gets it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.matching import ReadTooFar


class PostingsCodec(W3Codec):  # type: ignore[misc]
    """W3 postings (uncompressed by default), read with :class:`BisectingLeafMatcher`."""

    def __init__(self, blocklimit: int = 128, compression: int = 0, inlinelimit: int = 1) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return BisectingLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class BisectingLeafMatcher(W3LeafMatcher):  # type: ignore[misc]
    _i: int  # position inside the current block (set by Whoosh's reader)

    def skip_to(self, targetid: int) -> None:
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        # Whole blocks first, by the maximum id in each block's header (no block data read).
        while targetid > self._maxid:
            self._next_block()
            if self._atend:
                return
        if self._ids is None:
            self._read_ids()
        self._i = bisect_left(self._ids, targetid, self._i)

    def _read_ids(self) -> None:
        # Whoosh delta-decodes a block's ids with a Python generator; accumulate() does it in C.
        if self._data is None:
            self._read_data()
        ids = self._data[0]
        self._ids = ids if self._byteids else tuple(accumulate(ids))

    def block_postings(self) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
        """The remaining postings a block at a time, as (document numbers, weights)."""
        while self.is_active():
            if self._ids is None:
                self._read_ids()
            if self._weights is None:
                self._read_weights()
            yield self._ids[self._i :], self._weights[self._i :]
            self._next_block()
