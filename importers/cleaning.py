"""Line-level cleaning: what a human would strike out or fix before reading.

Each rule is a small pure function over one line; :func:`clean_blocks`
applies them in order and records every removal as a
:class:`~domain.model.Dropped` and every rewrite as a
:class:`~domain.model.Changed`, so that nothing is lost silently.

Rules: file-name lines (``营销中心目标管理制度.doc``), download-site
disclaimers (``- 1、下载文档前请…``) and watermarks, site-name title
suffixes (`` - 制度大全``), page footers (``第1页共23页``), duplicated
numbers (``第二条第二条``), variant glyphs (臵 → 置) and punctuation width.
Lines broken in the middle of a sentence are rejoined by
:func:`rejoin_broken_lines`, once documents are split.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from domain.model import Changed, Dropped
from domain.normalize import GLYPH_VARIANTS, cjk_punctuation, fix_glyphs, halfwidth_alnum
from importers.blocks import Block
from importers.numbering import match_marker
from importers.results import Result

REASON_FILE_NAME = "文件名行，不是正文"
REASON_DISCLAIMER = "下载网站的免责声明，不是正文"
REASON_WATERMARK = "下载网站的水印，不是正文"
REASON_SITE_SUFFIX = "标题后的网站名后缀"
REASON_FOOTER = "页脚（页码）"
REASON_DUPLICATE_NUMBER = "重复的编号"
REASON_GLYPH = "异体字或错码字改为规范字"
REASON_WIDTH = "全角/半角统一（中文标点用全角，字母数字用半角）"
REASON_REJOIN = "句中断行，已与下一行合并"

_FILE_NAME_RE = re.compile(r"^[^\s/\\:：。，,]{1,80}\.(?:docx?|wps|wpt|rtf|txt|pdf|xlsx?)$", re.IGNORECASE)
_DISCLAIMER_RE = re.compile(r"^[-–—•·]\s*\d{1,2}\s*[、.．]")
_DISCLAIMER_WORDS = ("下载", "文档", "预览", "侵犯", "侵权", "客服", "退款", "平台", "版权")
_WATERMARK_RE = re.compile(r"分享[^\s·•]{1,8}?网\s*[·•]\s*共建[^\s·•]{1,8}?网")
_SITE_SUFFIX_RE = re.compile(
    r"\s*[-–—_|]+\s*(?:制度大全|[^\s\-–—_|]{0,6}(?:文库|范文网|范文大全|资料网|文档网))"
)
_FOOTER_RE = re.compile(r"第\s*\d{1,4}\s*页\s*[,，/]?\s*共\s*\d{1,4}\s*页")
_REJOIN_MIN_LENGTH = 15
_SENTENCE_END = "。！？!?；;：:”’」』）)"


def clean_blocks(blocks: Sequence[Block]) -> Result[list[Block]]:
    """Apply every line rule; blocks that become empty are dropped (and reported)."""
    kept: list[Block] = []
    dropped: list[Dropped] = []
    changed: list[Changed] = []
    for block in blocks:
        if block.table is not None:
            kept.append(block)
            continue
        cleaned = clean_line(block.text, block.source, dropped, changed)
        if cleaned or block.number:
            kept.append(replace(block, text=cleaned))
    return Result(kept, (*dropped, *changed))


def clean_line(text: str, source: str, dropped: list[Dropped], changed: list[Changed]) -> str:
    """One line through every rule, appending what was dropped or changed."""
    text = text.strip()
    if not text:
        return ""
    for pattern_rule in _WHOLE_LINE_RULES:
        reason = pattern_rule(text)
        if reason:
            dropped.append(Dropped(text, reason, source))
            return ""
    for regex, reason in (
        (_WATERMARK_RE, REASON_WATERMARK),
        (_SITE_SUFFIX_RE, REASON_SITE_SUFFIX),
        (_FOOTER_RE, REASON_FOOTER),
    ):
        text = _drop_matches(text, regex, reason, source, dropped)
    text = _drop_duplicate_number(text, source, dropped)
    for rewrite, reason in ((_fix_glyphs, REASON_GLYPH), (_normalize_width, REASON_WIDTH)):
        text = _apply_rewrite(text, rewrite, reason, source, changed)
    return text.strip()


def _is_file_name_line(text: str) -> str:
    return REASON_FILE_NAME if _FILE_NAME_RE.match(text) else ""


def _is_disclaimer_line(text: str) -> str:
    if _DISCLAIMER_RE.match(text) and any(word in text for word in _DISCLAIMER_WORDS):
        return REASON_DISCLAIMER
    return ""


_WHOLE_LINE_RULES: tuple[Callable[[str], str], ...] = (_is_file_name_line, _is_disclaimer_line)


def _drop_matches(text: str, regex: re.Pattern[str], reason: str, source: str, dropped: list[Dropped]) -> str:
    for match in regex.finditer(text):
        dropped.append(Dropped(match.group(0).strip(), reason, source))
    return regex.sub("", text)


def _drop_duplicate_number(text: str, source: str, dropped: list[Dropped]) -> str:
    """``第二条第二条 本制度…`` → ``第二条 本制度…``: a number printed twice at the start of a line."""
    first = match_marker(text, 0, allow_latin=False)
    if first is None:
        return text
    second = match_marker(text, first.end, allow_latin=False)
    if second is None or second.printed != first.printed:
        return text
    dropped.append(Dropped(second.printed, REASON_DUPLICATE_NUMBER, source))
    # Keep the first copy and whatever space followed the second one.
    return text[: first.end].rstrip() + text[second.start + len(second.printed) :]


# Quick tests that let most lines skip a rewrite (the rewrites walk every character).
_WIDTH_CANDIDATE_RE = re.compile(r"[,:;?!()\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def _fix_glyphs(text: str) -> str:
    # Built per call from the live table, so that additions to GLYPH_VARIANTS take effect.
    pattern = _glyph_pattern("".join(sorted(GLYPH_VARIANTS)))
    return fix_glyphs(text) if pattern.search(text) else text


@functools.lru_cache(maxsize=4)
def _glyph_pattern(chars: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(chars) + "]")


def _normalize_width(text: str) -> str:
    return cjk_punctuation(halfwidth_alnum(text)) if _WIDTH_CANDIDATE_RE.search(text) else text


def _apply_rewrite(
    text: str, rewrite: Callable[[str], str], reason: str, source: str, changed: list[Changed]
) -> str:
    after = rewrite(text)
    if after != text:
        before_snippet, after_snippet = changed_snippets(text, after)
        changed.append(Changed(before_snippet, after_snippet, reason, source))
    return after


def changed_snippets(before: str, after: str, context: int = 3) -> tuple[str, str]:
    """The changed places of a line with a little context, ``…`` between places.

    The report shows ``设臵`` → ``设置`` rather than two whole paragraphs.
    """
    if len(before) == len(after):
        spans = _same_length_spans(before, after)
    else:
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        spans = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    olds = [before[max(0, i1 - context) : i2 + context] for i1, i2, _, _ in spans]
    news = [after[max(0, j1 - context) : j2 + context] for _, _, j1, j2 in spans]
    return " … ".join(olds), " … ".join(news)


def _same_length_spans(before: str, after: str) -> list[tuple[int, int, int, int]]:
    """Runs of differing characters when a rewrite maps one character to one (glyphs, width)."""
    spans: list[tuple[int, int, int, int]] = []
    start = -1
    for i, (a, b) in enumerate(zip(before, after, strict=True)):
        if a != b and start < 0:
            start = i
        elif a == b and start >= 0:
            spans.append((start, i, start, i))
            start = -1
    if start >= 0:
        spans.append((start, len(before), start, len(after)))
    return spans


def rejoin_broken_lines(
    blocks: Sequence[Block], is_heading_line: Callable[[str], bool]
) -> Result[list[Block]]:
    """Join a line that stops mid-sentence with the line after it.

    A line is broken when it is long enough to be body text, ends without
    sentence punctuation (or with ``，`` / ``、``), and the next line is
    neither numbered nor a heading.
    """
    out: list[Block] = []
    changed: list[Changed] = []
    for block in blocks:
        previous = out[-1] if out else None
        if previous is not None and _continues(previous, block, is_heading_line):
            joined = previous.text + block.text
            changed.append(
                Changed(
                    f"{previous.text[-8:]}⏎{block.text[:8]}",
                    f"{previous.text[-8:]}{block.text[:8]}",
                    REASON_REJOIN,
                    block.source,
                )
            )
            out[-1] = replace(previous, text=joined)
        else:
            out.append(block)
    return Result(out, tuple(changed))


def _continues(previous: Block, block: Block, is_heading_line: Callable[[str], bool]) -> bool:
    if (
        previous.table is not None
        or block.table is not None
        or block.number
        or block.outline_level is not None
    ):
        return False
    if previous.outline_level is not None:
        return False
    text, prev = block.text, previous.text
    if len(prev) < _REJOIN_MIN_LENGTH or prev[-1] in _SENTENCE_END:
        return False
    if match_marker(text, 0, allow_latin=False) is not None or is_heading_line(text):
        return False
    return is_heading_line(prev) is False
