"""BM25 on the content field with each document's length normalisation precomputed.

Whoosh's BM25F scorer looks up the document's field length through the
column reader for every posting it scores; for broad queries that lookup
is a large share of the time.  The normalisation ``K1·(1 − B + B·len/avg)``
depends only on the document, so it is computed once per build (saved
beside the index, :func:`save_norms`; recomputed for builds without it) and
scoring becomes one list index and one division.  Scores are the same
as Whoosh's BM25F (same formula, same byte-encoded lengths).
"""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

from whoosh import scoring
from whoosh.searching import Searcher

B = 0.75
K1 = 1.2


def length_norms(searcher: Searcher, fieldname: str) -> array[float]:
    """``K1·(1 − B + B·len/avg)`` for every document number of the searcher."""
    reader = searcher.reader()
    avgfl = searcher.avg_field_length(fieldname) or 1
    # Whoosh answers None for an empty field (a document entry without a preamble).
    lengths = (reader.doc_field_length(n, fieldname, 0) or 0 for n in range(reader.doc_count_all()))
    return array("d", (K1 * (1 - B + B * length / avgfl) for length in lengths))


def norms_file(directory: Path, fieldname: str) -> Path:
    return directory / f"norms-{fieldname}.f64"


def save_norms(directory: Path, fieldname: str, norms: array[float]) -> None:
    """Written at build time beside the Whoosh files: opening a build then reads, not recomputes."""
    norms_file(directory, fieldname).write_bytes(norms.tobytes())


def load_norms(directory: Path, fieldname: str, documents: int) -> array[float] | None:
    """The saved norms, or None when absent or not for this many documents (then recompute)."""
    try:
        data = norms_file(directory, fieldname).read_bytes()
    except FileNotFoundError:
        return None
    norms = array("d")
    if len(data) != documents * norms.itemsize:
        return None
    norms.frombytes(data)
    return norms


class PrecomputedBM25(scoring.BM25F):  # type: ignore[misc]
    """BM25F that uses precomputed norms for the fields it was given, Whoosh's scorer elsewhere."""

    def __init__(self) -> None:
        super().__init__(B=B, K1=K1)
        self.norms: dict[str, array[float]] = {}

    def scorer(self, searcher: Searcher, fieldname: str, text: Any, qf: int = 1) -> scoring.BaseScorer:
        norms = self.norms.get(fieldname)
        if norms is None or searcher.get_parent() is not searcher:
            return super().scorer(searcher, fieldname, text, qf)
        return NormScorer(searcher, fieldname, text, norms)


class NormScorer(scoring.BaseScorer):  # type: ignore[misc]
    def __init__(self, searcher: Searcher, fieldname: str, text: Any, norms: array[float]) -> None:
        info = searcher.term_info(fieldname, text)
        self.factor = searcher.idf(fieldname, text) * (K1 + 1)
        self._avgfl = searcher.avg_field_length(fieldname) or 1
        self._norms = norms
        self._max = self._bound(info.max_weight(), info.min_length())

    def _bound(self, weight: float, length: float | None) -> float:
        """The highest score a posting with this weight and at least this length can get."""
        return float(self.factor * weight / (weight + K1 * (1 - B + B * (length or 0) / self._avgfl)))

    def score(self, matcher: Any) -> float:
        weight = matcher.weight()
        return float(self.factor * weight / (weight + self._norms[matcher.id()]))

    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return self._max

    def block_quality(self, matcher: Any) -> float:
        return self._bound(matcher.block_max_weight(), matcher.block_min_length())
