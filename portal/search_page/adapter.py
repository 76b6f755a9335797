"""A thin bridge to the search stage's ``search.service``.

An index that has not been built yet becomes a Chinese message on the page,
never a 500.  Highlights arrive as plain text with marked ranges
(:class:`search.highlight.Highlight`); only the template turns them into
HTML (``search_page/macros.html``), escaping every character itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from domain.errors import HandbookError
from project.paths import Paths
from search.highlight import Highlight
from search.index import IndexMissing
from search.service import dictionaries, open_engine, search_hits

NO_INDEX = "检索索引尚未建立，请管理员运行 handbook index 后再试。"


@dataclass(frozen=True)
class Hit:
    document: str
    slug: str
    anchor: str
    label: str
    highlight: Highlight


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    total: int
    message: str = ""
    notice: str = ""


def _anchor(url: str) -> str:
    return unquote(urlsplit(url).fragment)


def run_search(query: str, project_root: Path, limit: int = 20, release: str | None = None) -> SearchResult:
    """Search ``release`` (the one in force by the database), else the newest built index."""
    try:
        engine = open_engine(Paths(project_root).index, dictionaries(project_root))
        try:
            results = search_hits(engine, query, release=release, limit=limit)
        except IndexMissing:
            if release is None:
                raise
            # A release published before search was switched with it: the newest index serves.
            results = search_hits(engine, query, limit=limit)
    except IndexMissing:
        return SearchResult((), 0, NO_INDEX)
    except HandbookError as error:
        return SearchResult((), 0, error.user_message)
    except FileNotFoundError:
        return SearchResult((), 0, NO_INDEX)
    hits = tuple(
        Hit(
            document=h.document,
            slug=h.document_slug,
            anchor=_anchor(h.url),
            label=" › ".join(p for p in (*h.heading_path, h.number) if p) or h.title,
            highlight=h.highlight or Highlight(h.text),
        )
        for h in results.hits
    )
    return SearchResult(hits, int(results.total), notice=results.notice or "")
