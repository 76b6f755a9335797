"""A thin bridge to the search stage's ``search.service`` (imported lazily).

The portal must keep working when the search stage is absent or its index
has not been built: both become a Chinese message on the page, never a 500.
Highlights arrive as escaped text with ``<mark>`` tags; they are split into
(text, marked) segments so the template escapes every character itself.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from domain.errors import HandbookError

log = logging.getLogger(__name__)

NO_SERVICE = "检索功能尚未安装。"
NO_INDEX = "检索索引尚未建立，请管理员运行 handbook index 后再试。"
_MARKS = re.compile(r"(<mark>.*?</mark>)", re.S)


@dataclass(frozen=True)
class Hit:
    document: str
    slug: str
    anchor: str
    label: str
    segments: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    total: int
    message: str = ""
    notice: str = ""


def segments(highlighted: str) -> tuple[tuple[str, bool], ...]:
    """``a &lt; <mark>b</mark>`` → (("a < ", False), ("b", True))."""
    parts = []
    for piece in _MARKS.split(highlighted):
        if not piece:
            continue
        marked = piece.startswith("<mark>") and piece.endswith("</mark>")
        text = piece[len("<mark>") : -len("</mark>")] if marked else piece
        parts.append((html.unescape(text), marked))
    return tuple(parts)


def _anchor(url: str) -> str:
    return unquote(urlsplit(url).fragment)


def run_search(query: str, project_root: Path, limit: int = 20) -> SearchResult:
    if importlib.util.find_spec("search.service") is None:
        return SearchResult((), 0, NO_SERVICE)
    service = importlib.import_module("search.service")
    index_root = project_root / "var" / "index"
    try:
        engine = service.open_engine(index_root, service.dictionaries(project_root))
        results = service.search_hits(engine, query, limit=limit)
    except HandbookError as error:
        if type(error).__name__ == "IndexMissing":
            return SearchResult((), 0, NO_INDEX)
        return SearchResult((), 0, error.user_message)
    except FileNotFoundError:
        return SearchResult((), 0, NO_INDEX)
    hits = tuple(
        Hit(
            document=h.document,
            slug=h.document_slug,
            anchor=_anchor(h.url),
            label=" › ".join(p for p in (*h.heading_path, h.number) if p) or h.title,
            segments=segments(h.highlight or html.escape(h.text)),
        )
        for h in results.hits
    )
    return SearchResult(hits, int(results.total), notice=results.notice or "")
