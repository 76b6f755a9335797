"""Splitting a compilation into its documents.

A compilation copied out of Word runs many regulations together.  Each
starts with a short *title line* (no sentence punctuation, not numbered,
naming a kind of document: 制度, 办法, 手册 …), often repeated at the start
of the next line; the repeat is dropped and reported.  Variants of one
title on consecutive lines (``营销中心目标管理制度1`` / ``营销中心目标管理制度``)
open one document, not two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from domain.model import Dropped
from importers.blocks import Block
from importers.numbering import match_marker

REASON_REPEATED_TITLE = "重复的标题"
REASON_TITLE_VARIANT = "重复的标题行（标题的变体）"
REASON_EMPTY_TITLE = "标题行后没有正文"

# Words that name a kind of document; a title line contains one of them.
KIND_WORDS = (
    "制度", "办法", "条例", "规定", "细则", "手册", "规范", "规程", "守则", "准则", "章程",
    "方案", "目标", "职责", "说明书", "范本", "规则", "须知", "流程", "标准", "汇编", "政策",
)  # fmt: skip
_SENTENCE_PUNCT = set("。，,；;：:！？!?")
MAX_TITLE_LENGTH = 40
_IGNORED_IN_TITLE_MATCH = re.compile(r"[\s\-–—_·•.．|“”\"'《》<>]")
_MIN_REPEAT_SHARE = 0.6
_MIN_REPEAT_CHARS = 6
_COVER_PAGE_LINES = 12
_BRACKETED_NUMBER_RE = re.compile(r"^[\[［【(（]\s*\d")


@dataclass(frozen=True)
class DocumentPart:
    """The blocks of one document, before its structure is recovered."""

    title: str
    title_source: str
    blocks: tuple[Block, ...]
    dropped: tuple[Dropped, ...] = field(default=())


def is_title_line(text: str) -> bool:
    """A short, unpunctuated, unnumbered line that names a kind of document."""
    text = text.strip()
    if not 2 <= len(text) <= MAX_TITLE_LENGTH or text.endswith("、"):
        return False
    if any(ch in _SENTENCE_PUNCT for ch in text):
        return False
    if match_marker(text, 0, allow_latin=False) is not None or _BRACKETED_NUMBER_RE.match(text):
        return False  # a numbered line or a reference-list entry ([2] GB/T … 规定)
    return any(word in text for word in KIND_WORDS)


# Word paragraph styles that mark a document title (python-docx "Title", 标题, 封面标准名称 …).
_TITLE_STYLE_RE = re.compile(r"title|标题|名称", re.IGNORECASE)
# Styles that say nothing about a paragraph's role: text heuristics decide.
_PLAIN_STYLES = frozenset(
    {"normal", "正文", "body text", "default", "默认", "plain text", "纯文本", "list paragraph"}
)


_NOT_TITLE_STYLE_RE = re.compile(r"无标题|[条章节]标题|heading|toc|目录|目次", re.IGNORECASE)


def is_word_title(block: Block) -> bool:
    """A paragraph in a title style (not a heading with an outline level, not 二级无标题 or 条标题)."""
    style = block.style or ""
    if not style or block.outline_level is not None or _NOT_TITLE_STYLE_RE.search(style):
        return False
    return _TITLE_STYLE_RE.search(style) is not None and not block.text.rstrip().endswith(("。", "；", ";"))


def _has_plain_style(block: Block) -> bool:
    return block.style is None or block.style.strip().lower() in _PLAIN_STYLES


def has_word_styles(blocks: Sequence[Block]) -> bool:
    """Whether the blocks came from a styled Word file (then styles decide before text heuristics)."""
    return any(b.outline_level is not None or not _has_plain_style(b) for b in blocks)


def split_documents(blocks: Sequence[Block]) -> list[DocumentPart]:
    """Cut ``blocks`` at each title line; text before the first title is a document with no title.

    In a styled Word file, a cover page before the first title belongs to
    the first document rather than being one.
    """
    parts = _split(blocks)
    if len(parts) > 1 and not parts[0].title and has_word_styles(blocks):
        first, second = parts[0], parts[1]
        merged = DocumentPart(
            second.title, second.title_source, first.blocks + second.blocks, first.dropped + second.dropped
        )
        parts = [merged, *parts[2:]]
    return parts


def _split(blocks: Sequence[Block]) -> list[DocumentPart]:
    parts: list[DocumentPart] = []
    title, title_source = "", blocks[0].source if blocks else ""
    body: list[Block] = []
    dropped: list[Dropped] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if _opens_document(blocks, i) and not (is_word_title(block) and title and not _has_content(body)):
            if title or body:
                parts.append(_finish(title, title_source, body, dropped))
            title, title_source, body, dropped = one_line(block.text), block.source, [], []
            if is_word_title(block):
                # A title set in two paragraphs of the same style (名称 / 第1部分：通用要求),
                # possibly with an empty paragraph of that style between them.
                while i + 2 < len(blocks) and blocks[i + 1].style == block.style:
                    if blocks[i + 1].text.strip():
                        title = f"{title} {one_line(blocks[i + 1].text)}"
                    elif not (i + 3 < len(blocks) and blocks[i + 2].style == block.style):
                        break
                    i += 1
            else:
                i, title = _absorb_title_variants(blocks, i, dropped)
            i += 1
            if i < len(blocks):
                first = _strip_repeated_title(blocks[i], title, dropped)
                if first is not None:
                    body.append(first)
                i += 1
            continue
        body.append(block)
        i += 1
    if title or body:
        parts.append(_finish(title, title_source, body, dropped))
    return parts


_LINE_BREAKS_RE = re.compile(r"\s*\n\s*")


def one_line(text: str) -> str:
    """A title on one line: Word's soft line breaks (``…指南\\n\\n第6部分：…``) become one space."""
    return _LINE_BREAKS_RE.sub(" ", text.strip())


def _opens_document(blocks: Sequence[Block], i: int) -> bool:
    block = blocks[i]
    if block.table is not None or block.number or i + 1 >= len(blocks) or not block.text.strip():
        return False
    if is_word_title(block):
        return len(block.text.strip()) <= 2 * MAX_TITLE_LENGTH
    if not _has_plain_style(block) and block.outline_level != 1:
        return False  # a specific Word style that is not a title (cover-page labels, TOC lines)
    return is_title_line(block.text)


def _has_content(body: Sequence[Block]) -> bool:
    """Whether a document has begun: a heading or a number, or more than a cover page of lines."""
    return len(body) >= _COVER_PAGE_LINES or any(
        b.outline_level is not None or b.number or match_marker(b.text, 0, allow_latin=False) for b in body
    )


def _finish(title: str, source: str, body: list[Block], dropped: list[Dropped]) -> DocumentPart:
    if title and not body:
        dropped = [*dropped, Dropped(title, REASON_EMPTY_TITLE, source)]
        return DocumentPart("", source, (), tuple(dropped))
    return DocumentPart(title, source, tuple(body), tuple(dropped))


def _title_key(text: str) -> str:
    return _IGNORED_IN_TITLE_MATCH.sub("", text).rstrip("0123456789")


def _absorb_title_variants(blocks: Sequence[Block], i: int, dropped: list[Dropped]) -> tuple[int, str]:
    """Skip lines right after a title that are the same title (up to trailing digits).

    Returns the index of the last title line and the title kept: the
    shortest variant; every other variant is reported as dropped.
    """
    kept = blocks[i]
    while i + 2 < len(blocks) and is_title_line(blocks[i + 1].text):
        a, b = _title_key(kept.text), _title_key(blocks[i + 1].text)
        if kept.text.strip() == blocks[i + 1].text.strip() or not (a.startswith(b) or b.startswith(a)):
            break
        candidate = blocks[i + 1]
        longer, kept = (kept, candidate) if len(candidate.text) < len(kept.text) else (candidate, kept)
        dropped.append(Dropped(longer.text, REASON_TITLE_VARIANT, longer.source))
        i += 1
    return i, kept.text.strip()


def _strip_repeated_title(block: Block, title: str, dropped: list[Dropped]) -> Block | None:
    """Drop the title when the next line starts by repeating it (dashes and spaces ignored)."""
    end = repeated_prefix_end(block.text, title)
    if end == 0:
        return block
    dropped.append(Dropped(block.text[:end], REASON_REPEATED_TITLE, block.source))
    rest = block.text[end:].lstrip(" -–—:：")
    return replace(block, text=rest) if rest or block.number else None


def repeated_prefix_end(text: str, title: str) -> int:
    """Where in ``text`` a repeat of ``title`` ends (0 = no repeat).

    Separator characters (``-``, spaces, ``·``) are skipped on both sides; a
    partial repeat counts when it covers most of the title.
    """
    key = _IGNORED_IN_TITLE_MATCH.sub("", title)
    matched, pos = 0, 0
    while pos < len(text) and matched < len(key):
        ch = text[pos]
        if _IGNORED_IN_TITLE_MATCH.match(ch):
            pos += 1
            continue
        if ch != key[matched]:
            break
        matched += 1
        pos += 1
    partial = matched >= _MIN_REPEAT_CHARS and matched >= _MIN_REPEAT_SHARE * len(key)
    if matched == len(key) or (partial and _structure_follows(text[pos:])):
        while pos < len(text) and text[pos] in "-–— ":
            pos += 1
        return pos
    return 0


def _structure_follows(rest: str) -> bool:
    """A partial repeat counts only when the table of contents or a number comes right after it."""
    rest = rest.lstrip(" -–—:：")
    return rest.startswith(("目录", "目 录")) or match_marker(rest, 0, allow_latin=False) is not None
