"""Highlighting without re-analysing: mark the query's terms in the stored text.

Whoosh's highlighter re-tokenises every hit with the analyzer (jieba here),
which costs more than the search itself.  The query's terms are known, so
one regular expression per query (cached with the parsed query) marks them
directly; only the hits shown are highlighted.

A highlight is plain text and the character ranges that match
(:class:`Highlight`), never markup: the portal's templates and the CLI each
turn it into their own output (HTML with ``<mark>``, bold terminal text).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from domain.normalize import GLYPH_VARIANTS, fix_glyphs

SNIPPET_CHARS = 160
CONTEXT_BEFORE = 40
ELLIPSIS = "…"


@dataclass(frozen=True)
class Highlight:
    """The text shown for a hit (``…`` where it was cut) and the ``[start, end)`` ranges of it that match.

    Ranges are in order, never overlap and never touch (touching matches are one range).
    """

    text: str
    marks: tuple[tuple[int, int], ...] = ()

    def segments(self) -> tuple[tuple[str, bool], ...]:
        """The text cut at the ranges' edges: ``(piece, marked)`` in order, without empty pieces."""
        parts: list[tuple[str, bool]] = []
        cursor = 0
        for a, b in self.marks:
            if a > cursor:
                parts.append((self.text[cursor:a], False))
            parts.append((self.text[a:b], True))
            cursor = b
        if cursor < len(self.text):
            parts.append((self.text[cursor:], False))
        return tuple(parts)

    def marked(self) -> tuple[str, ...]:
        """The marked pieces of the text, in order."""
        return tuple(self.text[a:b] for a, b in self.marks)


def terms_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One alternation of the terms, longest first so that 会议纪要 wins over 会议."""
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered)) if ordered else None


_GLYPHS = str.maketrans(GLYPH_VARIANTS)


def comparable(text: str) -> str:
    """The text folded like the index folds it, one character for one (offsets stay valid)."""
    folded = unicodedata.normalize("NFKC", text).translate(_GLYPHS).lower()
    if len(folded) == len(text):  # nearly always: one call for the whole text
        return folded
    return "".join(_fold(ch) for ch in text)


def _fold(ch: str) -> str:
    folded = fix_glyphs(unicodedata.normalize("NFKC", ch)).lower()
    return folded if len(folded) == 1 else ch.lower()[:1] or ch


def highlight(text: str, pattern: re.Pattern[str] | None, limit: int = SNIPPET_CHARS) -> Highlight:
    """The text (or a window of it around the first match), spaces collapsed, and its matches.

    A match that the window cuts is not marked.
    """
    text = " ".join(text.split())
    spans = _merged([m.span() for m in pattern.finditer(comparable(text))]) if pattern else []
    start, end = _window(len(text), spans, limit)
    prefix = ELLIPSIS if start > 0 else ""
    shift = len(prefix) - start
    marks = tuple((a + shift, b + shift) for a, b in spans if start <= a and b <= end)
    return Highlight(prefix + text[start:end] + (ELLIPSIS if end < len(text) else ""), marks)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching matches become one mark: 下月目标, not 下月 + 目标."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and out[-1][1] == a:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _window(length: int, spans: list[tuple[int, int]], limit: int) -> tuple[int, int]:
    if length <= limit:
        return 0, length
    first = spans[0][0] if spans else 0
    start = max(0, min(first - CONTEXT_BEFORE, length - limit))
    return start, start + limit
