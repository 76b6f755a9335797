"""Numbering systems of Chinese regulations, and Chinese numerals.

A *marker* is the number printed before a heading or clause: ``第十条``,
``第2章``, ``一、``, ``（一）``, ``1.``, ``1、``, ``（1）``, ``①``, ``a)``,
``1.1``.  Each belongs to a *system*; systems have a conventional rank
(编 above 章 above 节 above 条 above 一、 above （一） …) that structure
recovery combines with the order in which a document uses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.model import SectionKind
from domain.numerals import CN_DIGITS as _CN_DIGITS
from domain.numerals import CN_NUMERAL_CHARS as _CN_NUMERAL_CHARS
from domain.numerals import CN_UNITS as _CN_UNITS
from domain.numerals import parse_chinese_numeral, parse_numeral, to_chinese_numeral

__all__ = ["parse_chinese_numeral", "parse_numeral", "to_chinese_numeral"]


@dataclass(frozen=True)
class System:
    """A numbering system: its key, conventional rank (higher = more major) and node kind."""

    key: str
    rank: int
    kind: SectionKind

    @property
    def is_strong(self) -> bool:
        """编/部分/章/节/条: the named systems that no one nests the other way round."""
        return self.rank >= ARTICLE_RANK


ARTICLE_RANK = 70
SYSTEMS: dict[str, System] = {
    s.key: s
    for s in (
        System("编", 100, SectionKind.PART),
        System("部分", 100, SectionKind.PART),
        System("章", 90, SectionKind.CHAPTER),
        System("节", 80, SectionKind.SECTION),
        System("条", ARTICLE_RANK, SectionKind.ARTICLE),
        System("一、", 60, SectionKind.HEADING),
        System("（一）", 50, SectionKind.HEADING),
        System("1、", 40, SectionKind.ITEM),
        System("1.", 40, SectionKind.ITEM),
        System("1.1", 35, SectionKind.ITEM),
        System("1.1.1", 34, SectionKind.ITEM),
        System("（1）", 30, SectionKind.ITEM),
        System("1）", 30, SectionKind.ITEM),
        System("①", 20, SectionKind.ITEM),
        System("a)", 10, SectionKind.ITEM),
    )
}
# Heading-capable systems: their nodes normally carry a title.
HEADING_SYSTEMS = frozenset({"编", "部分", "章", "节", "一、", "（一）"})


@dataclass(frozen=True)
class Marker:
    """A number found in text: its system, value(s) and where it is.

    ``values`` is one integer for most systems, two or three for decimal
    numbering (``1.2`` → (1, 2)) and (10, 1) for ``第十条之一``.
    """

    system: System
    values: tuple[int, ...]
    printed: str
    start: int
    end: int  # end of the marker including the spaces after it

    @property
    def value(self) -> int:
        return self.values[-1]


_STRONG_RE = re.compile(
    rf"第\s*([{_CN_NUMERAL_CHARS}]+|\d{{1,3}})\s*(编|部分|章|节|条)(之([一二三四五六七八九十]+))?"
)
_DECIMAL_RE = re.compile(r"(\d{1,2})[.．](\d{1,2})(?:[.．](\d{1,2}))?(?![\d.．])[.．]?")
_AR_PAREN_RE = re.compile(r"[（(](\d{1,2})[)）]")
_CN_PAREN_RE = re.compile(r"[（(]([一二三四五六七八九十]{1,3})[)）]")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN_DUN_RE = re.compile(r"([一二三四五六七八九十]{1,3})\s*、")
_AR_DUN_RE = re.compile(r"(\d{1,2})\s*、")
_AR_DOT_RE = re.compile(r"(\d{1,2})[.．](?![\d.．])")
_AR_CLOSE_RE = re.compile(r"(\d{1,2})[)）]")
_BARE_NUMBER_RE = re.compile(r"^\d{1,3}$")
_LATIN_RE = re.compile(r"([a-z])[)）]")
_SPACES_RE = re.compile(r"[ \t\u3000]*")

MARKER_START_CHARS = frozenset(
    "第（(" + _CIRCLED + "0123456789一二三四五六七八九十abcdefghijklmnopqrstuvwxyz"
)
# Where a marker may begin inside a line (Latin letters only count at line start).
MARKER_CANDIDATE_RE = re.compile("[第（(" + _CIRCLED + "0-9一二三四五六七八九十]")


def match_marker(text: str, pos: int = 0, *, allow_latin: bool = True) -> Marker | None:
    """The marker that starts exactly at ``text[pos]``, if any."""
    if pos >= len(text) or text[pos] not in MARKER_START_CHARS:
        return None
    ch = text[pos]
    if ch == "第":
        return _strong(text, pos)
    if ch in _CIRCLED:
        return _make("①", (_CIRCLED.index(ch) + 1,), text, pos, pos + 1)
    if ch in "（(":
        if m := _AR_PAREN_RE.match(text, pos):
            return _make("（1）", (int(m.group(1)),), text, pos, m.end())
        if m := _CN_PAREN_RE.match(text, pos):
            return _cn_marker("（一）", m.group(1), text, pos, m.end())
        return None
    if ch.isdigit():
        return _arabic(text, pos)
    if ch in _CN_DIGITS or ch in _CN_UNITS:
        if m := _CN_DUN_RE.match(text, pos):
            return _cn_marker("一、", m.group(1), text, pos, m.end())
        return None
    if allow_latin and (m := _LATIN_RE.match(text, pos)):
        return _make("a)", (ord(m.group(1)) - ord("a") + 1,), text, pos, m.end())
    return None


def _strong(text: str, pos: int) -> Marker | None:
    m = _STRONG_RE.match(text, pos)
    if not m:
        return None
    value = parse_numeral(m.group(1))
    if value is None:
        return None
    values: tuple[int, ...] = (value,)
    if m.group(4):
        values = (value, parse_chinese_numeral(m.group(4)) or 1)
    return _make(m.group(2), values, text, pos, m.end())


def _arabic(text: str, pos: int) -> Marker | None:
    if m := _DECIMAL_RE.match(text, pos):
        parts = tuple(int(g) for g in m.groups() if g is not None)
        return _make("1.1" if len(parts) == 2 else "1.1.1", parts, text, pos, m.end())
    if m := _AR_DUN_RE.match(text, pos):
        return _make("1、", (int(m.group(1)),), text, pos, m.end())
    if m := _AR_DOT_RE.match(text, pos):
        return _make("1.", (int(m.group(1)),), text, pos, m.end())
    if m := _AR_CLOSE_RE.match(text, pos):
        return _make("1）", (int(m.group(1)),), text, pos, m.end())
    return None


def marker_of_number(number: str) -> Marker | None:
    """The marker for a number Word renders apart from the text (``一、``, ``5.1``, ``2``, ``a)``).

    A bare ``2`` (numFmt decimal, lvlText ``%1``) counts as ``2.``; bullets
    (``-``, ``•``) are not numbers.
    """
    number = number.strip()
    if _BARE_NUMBER_RE.match(number):
        return Marker(SYSTEMS["1."], (int(number),), number, 0, len(number))
    marker = match_marker(number + " ", 0)
    if marker is None or number[marker.start : marker.start + len(marker.printed)] != number.replace(" ", ""):
        return None
    return marker


def _cn_marker(key: str, numeral: str, text: str, start: int, end: int) -> Marker | None:
    value = parse_chinese_numeral(numeral)
    return None if not value else _make(key, (value,), text, start, end)


def _make(key: str, values: tuple[int, ...], text: str, start: int, end: int) -> Marker:
    printed = text[start:end].replace(" ", "").replace("\u3000", "")
    spaces = _SPACES_RE.match(text, end)
    return Marker(SYSTEMS[key], values, printed, start, spaces.end() if spaces else end)


def normalized_number(marker: Marker) -> str:
    """The number in the form anchors use: ``第十条``, ``第十条之一``, ``三``, ``1-2``."""
    key = marker.system.key
    if marker.system.is_strong:
        out = f"第{to_chinese_numeral(marker.values[0])}{key}"
        return out + (f"之{to_chinese_numeral(marker.values[1])}" if len(marker.values) > 1 else "")
    if key in ("一、", "（一）"):
        return to_chinese_numeral(marker.value)
    if key == "a)":
        return chr(ord("a") + marker.value - 1)
    return "-".join(str(v) for v in marker.values)


def describe(marker: Marker) -> str:
    """How a reader would name the number in a warning: ``第五条``, ``（三）``, ``4.``."""
    if marker.system.is_strong:
        return normalized_number(marker)
    return marker.printed
