"""A document's own table of contents: found, read for heading titles, then dropped.

Copied text keeps the table of contents glued to the body:
``目录第一章组织机构及岗位设置第二章部门人员聘用…第一章组织机构及岗位设置1.营销部…``
or with dash leaders and page numbers (``一、背景及目的-----第3页``).  The
table ends where its first entry's number comes back: that is the body.
Its entries give the exact titles of the headings, which is the best way
to split a heading glued to its body (``二、部门职能营销管理中心是…``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.model import Dropped
from importers.blocks import Block
from importers.numbering import Marker, match_marker
from importers.results import Result

REASON_TOC = "目录（标题已用于识别正文标题）"

_TOC_WORD_RE = re.compile(r"目\s*[录次][：:]?")
_TOC_HEADING_RE = re.compile(r"^\s*目\s*[录次]\s*[：:]?\s*$")
_TOC_STYLE_RE = re.compile(r"^(?:toc|目录)\s*\d*$", re.IGNORECASE)
_LEADER_RE = re.compile(r"\s*(?:[-—–－_.．·…]{3,}|\s{3,})\s*(?:第\s*\d+\s*页|\d+)?")
_TRAILING_PAGE_RE = re.compile(r"\s*(?:第\s*\d+\s*页|[-—–－_.．·…]{2,}\s*\d+|[\s\u3000]{2,}\d+)\s*$")
_SEARCH_LINES = 6  # a run-together table this near the start needs no further proof
_MAX_ENTRY_TITLE = 30
_MAX_ENTRY_LINE = 60
_MIN_PAGED_ENTRIES = 2
_ENTRY_SENTENCE_PUNCT = set("。，,；;！？!?")

TocKey = tuple[str, tuple[int, ...]]


@dataclass(frozen=True)
class TableOfContents:
    """Titles by number (``("章", (1,))`` → ``组织机构及岗位设置``) and the blocks without the table.

    It comes in a :class:`Result` whose messages are the dropped table.
    """

    titles: dict[TocKey, str]
    blocks: tuple[Block, ...]


def toc_key(marker: Marker) -> TocKey:
    return marker.system.key, marker.values


def extract_toc(blocks: Sequence[Block]) -> Result[TableOfContents]:
    """Find a table of contents wherever it stands in ``blocks`` and take it out.

    Two forms: the entries run on after the word 目录 in one block (copied
    text), or 目录 / 目  录 stands alone and one entry follows per line.
    Anywhere past the first lines a table must prove itself: its first
    entry's heading comes back (the body starts again), or its entries
    carry page numbers.
    """
    for index, block in enumerate(blocks):
        if block.table is not None:
            continue
        if _TOC_HEADING_RE.match(block.text):
            found = _cut_lines(blocks, index)
            if found is not None:
                return found
            continue
        for word in _TOC_WORD_RE.finditer(block.text):
            first = _first_entry_marker(block.text, word.end())
            if first is None:
                continue
            near_start = index < _SEARCH_LINES
            end = _recurrence(block.text, first.end, toc_key(first))
            if end is not None or near_start:
                return _cut(blocks, index, word.start(), word.end(), first)
    return Result(TableOfContents({}, tuple(blocks)))


def _cut_lines(blocks: Sequence[Block], index: int) -> Result[TableOfContents] | None:
    """``目  录`` alone, then one entry per line until the first entry's heading starts the body."""
    if index + 1 >= len(blocks):
        return None
    first = _first_entry_marker(blocks[index + 1].text, 0)
    if first is None:
        return None
    key = toc_key(first)
    last = index + 1
    while last + 1 < len(blocks) and _is_entry_line(blocks[last + 1].text, key):
        last += 1
    entries = blocks[index + 1 : last + 1]
    body_follows = last + 1 < len(blocks) and _starts_with_key(blocks[last + 1].text, key)
    paged = sum(1 for b in entries if _TRAILING_PAGE_RE.search(b.text))
    if not body_follows and paged < _MIN_PAGED_ENTRIES:
        return None
    titles: dict[TocKey, str] = {}
    for entry in entries:
        for k, title in _entries(_TRAILING_PAGE_RE.sub("", entry.text)).items():
            titles.setdefault(k, title)
    toc_blocks = blocks[index : last + 1]
    dropped = tuple(Dropped(b.text, REASON_TOC, b.source) for b in toc_blocks)
    kept = [*blocks[:index], *blocks[last + 1 :]]
    return Result(TableOfContents(titles, tuple(kept)), dropped)


def _starts_with_key(text: str, key: TocKey) -> bool:
    marker = match_marker(text.lstrip(" \u3000"), 0, allow_latin=False)
    return marker is not None and toc_key(marker) == key


def _is_entry_line(text: str, first_key: TocKey) -> bool:
    """A line of a table of contents: a page number, or a short numbered title with no sentence."""
    text = text.strip(" \u3000")
    if not text or _starts_with_key(text, first_key):
        return False
    if _TRAILING_PAGE_RE.search(text) and len(text) <= _MAX_ENTRY_LINE:
        return True
    marker = match_marker(text, 0, allow_latin=False)
    return (
        marker is not None
        and len(text) <= _MAX_ENTRY_TITLE + 8
        and not any(ch in _ENTRY_SENTENCE_PUNCT for ch in text)
    )


def _is_word_toc_entry(block: Block) -> bool:
    return bool(block.style and _TOC_STYLE_RE.match(block.style.strip()))


def extract_word_toc(blocks: Sequence[Block]) -> Result[TableOfContents]:
    """Word's own table of contents: paragraphs in the TOC styles, and the 目录/目次 heading over them."""
    kept: list[Block] = []
    dropped: list[Dropped] = []
    for index, block in enumerate(blocks):
        heading_of_toc = (
            _TOC_HEADING_RE.match(block.text) is not None
            and index + 1 < len(blocks)
            and _is_word_toc_entry(blocks[index + 1])
        )
        if _is_word_toc_entry(block) or heading_of_toc:
            dropped.append(Dropped(block.text, REASON_TOC, block.source))
        else:
            kept.append(block)
    return Result(TableOfContents({}, tuple(kept)), tuple(dropped))


def _first_entry_marker(text: str, start: int) -> Marker | None:
    while start < len(text) and text[start] in " \u3000":
        start += 1
    marker = match_marker(text, start, allow_latin=False)
    return marker if marker is not None and _is_heading_marker(marker) else None


def _is_heading_marker(marker: Marker) -> bool:
    return marker.system.is_strong or marker.system.key in ("一、", "（一）")


def _cut(
    blocks: Sequence[Block], index: int, word_start: int, start: int, first: Marker
) -> Result[TableOfContents]:
    """Drop from the word 目录 to where the first entry's number comes back (or to the last entry line)."""
    block = blocks[index]
    end = _recurrence(block.text, first.end, toc_key(first))
    if end is not None:
        toc_text = block.text[word_start:end]
        rest = block.text[:word_start] + block.text[end:]
        kept = [*blocks[:index], replace(block, text=rest), *blocks[index + 1 :]]
        return Result(
            TableOfContents(_entries(block.text[start:end]), tuple(kept)),
            (Dropped(toc_text, REASON_TOC, block.source),),
        )
    # One entry per line (a Word table of contents): entries run while lines look like entries.
    last = index
    while last + 1 < len(blocks) and _looks_like_entry_line(blocks[last + 1].text, toc_key(first)):
        last += 1
    toc_blocks = blocks[index : last + 1]
    titles: dict[TocKey, str] = {}
    for toc_block in toc_blocks:
        titles.update(_entries(toc_block.text[start if toc_block is block else 0 :]))
    dropped = tuple(
        Dropped(b.text[word_start if b is block else 0 :], REASON_TOC, b.source) for b in toc_blocks
    )
    head = block.text[:word_start].strip()
    kept = [*blocks[:index], *([replace(block, text=head)] if head else []), *blocks[last + 1 :]]
    return Result(TableOfContents(titles, tuple(kept)), dropped)


def _recurrence(text: str, after: int, key: TocKey) -> int | None:
    """Position where a marker with ``key`` appears again after ``after``."""
    for pos in range(after, len(text)):
        marker = match_marker(text, pos, allow_latin=False)
        if marker is not None and toc_key(marker) == key:
            return pos
    return None


def _looks_like_entry_line(text: str, first_key: TocKey) -> bool:
    marker = match_marker(text, 0, allow_latin=False)
    if marker is not None and toc_key(marker) == first_key:
        return False
    return bool(_TRAILING_PAGE_RE.search(text)) and len(text) <= 60


def _entries(text: str) -> dict[TocKey, str]:
    """Numbered entries of a table of contents: number → title."""
    titles: dict[TocKey, str] = {}
    for chunk in _LEADER_RE.split(text):
        for marker, title in _numbered_pieces(chunk):
            if title and len(title) <= _MAX_ENTRY_TITLE:
                titles.setdefault(toc_key(marker), title)
    return titles


def _numbered_pieces(chunk: str) -> list[tuple[Marker, str]]:
    markers: list[Marker] = []
    pos = 0
    while pos < len(chunk):
        marker = match_marker(chunk, pos, allow_latin=False)
        if marker is not None and _is_heading_marker(marker):
            markers.append(marker)
            pos = marker.end
        else:
            pos += 1
    pieces = []
    for i, marker in enumerate(markers):
        end = markers[i + 1].start if i + 1 < len(markers) else len(chunk)
        pieces.append((marker, chunk[marker.end : end].strip(" ：:\u3000")))
    return pieces
