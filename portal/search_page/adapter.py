"""A thin bridge to the search stage's ``search.service``.

An index that has not been built yet becomes a Chinese message on the page,
never a 500.  Highlights arrive as plain text with marked ranges
(:class:`search.highlight.Highlight`); only the template turns them into
HTML (``search_page/macros.html``), escaping every character itself.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from domain.errors import HandbookError
from project.paths import Paths
from search.analysis import load_segmenter
from search.highlight import Highlight, highlight, terms_pattern
from search.index import IndexMissing
from search.results import SearchHit
from search.service import dictionaries, open_engine, search_hits
from search.synonyms import read_synonyms

ANSWER_CHARS = 600  # the top hit's clause is shown whole up to this length

NO_INDEX = "检索索引尚未建立，请管理员运行 handbook index 后再试。"


@dataclass(frozen=True)
class Hit:
    document: str
    slug: str
    anchor: str
    label: str
    highlight: Highlight
    number: str = ""
    number_matched: bool = False  # the query named this clause's number: the page marks it
    permalink: str = ""  # the clause in the handbook site of its release
    rank: int = 0


@dataclass(frozen=True)
class Group:
    """The hits of one regulation, in rank order."""

    document: str
    slug: str
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    total: int
    message: str = ""
    notice: str = ""
    release: str = ""
    asks: tuple[str, ...] = ()
    answer: Hit | None = None  # the top hit, its clause whole (up to ANSWER_CHARS)
    searched: bool = False  # the engine ran (False: no index, or a query it refused)

    @property
    def groups(self) -> tuple[Group, ...]:
        """Hits grouped by regulation, regulations in the order of their best hit."""
        order: dict[str, list[Hit]] = {}
        for hit in self.hits:
            order.setdefault(hit.slug or hit.document, []).append(hit)
        return tuple(Group(hits[0].document, hits[0].slug, tuple(hits)) for hits in order.values())


def _anchor(url: str) -> str:
    return unquote(urlsplit(url).fragment)


@functools.cache
def package_synonyms() -> dict[str, tuple[str, ...]]:
    return read_synonyms()


def merged_synonyms(extra: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The package's synonyms with HR's added (a word in both keeps every alternative)."""
    merged = dict(package_synonyms())
    for word, alternatives in extra.items():
        merged[word] = tuple(dict.fromkeys((*merged.get(word, ()), *alternatives)))
    return merged


def run_search(
    query: str,
    project_root: Path,
    limit: int = 20,
    release: str | None = None,
    synonyms: Mapping[str, tuple[str, ...]] | None = None,
) -> SearchResult:
    """Search ``release`` (the one in force by the database), else the newest built index.

    ``synonyms``: HR's additions to the package's query expansion.
    """
    try:
        engine = open_engine(Paths(project_root).index, dictionaries(project_root))
        if synonyms is not None:
            engine.set_synonyms(merged_synonyms(synonyms))
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
    hits = tuple(_hit(h, rank) for rank, h in enumerate(results.hits, start=1))
    return SearchResult(
        hits,
        int(results.total),
        notice=results.notice or "",
        release=results.release,
        asks=results.asks,
        answer=_answer(results.hits[0], hits[0]) if hits else None,
        searched=True,
    )


def _hit(h: SearchHit, rank: int) -> Hit:
    return Hit(
        document=h.document,
        slug=h.document_slug,
        anchor=_anchor(h.url),
        label=" › ".join(p for p in (*h.heading_path, h.number) if p) or h.title,
        highlight=h.highlight or Highlight(h.text),
        number=h.number,
        number_matched=h.number_matched,
        permalink=h.url,
        rank=rank,
    )


def _answer(found: SearchHit, hit: Hit) -> Hit:
    """The top hit with its whole clause, marked with the same terms as its snippet."""
    marked = {hit.highlight.text[a:b] for a, b in hit.highlight.marks}
    whole = highlight(found.text, terms_pattern(sorted(marked)), limit=ANSWER_CHARS)
    return Hit(**{**vars(hit), "highlight": whole})


def query_words(project_root: Path, text: str) -> list[str]:
    """``text`` cut into search words as a query is (the segmenter is loaded once per process)."""
    return load_segmenter(dictionaries(project_root)).words(text)
