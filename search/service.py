"""The search stage's interface for the CLI and the portal.

Callers depend on :class:`SearchEngine` and the values of
:mod:`search.results` only, so the engine can be replaced.  The parts live
by job: :mod:`search.engine` (the Whoosh engine), :mod:`search.process`
(what a process keeps: the warm-up done in gunicorn's master, the engines
its forked workers open), :mod:`search.dictionaries` (jieba's dictionaries),
:mod:`search.highlight` (marked ranges, no markup).  This module names them
in one place and adds the portal's entry point, :func:`search_hits`.
"""

from __future__ import annotations

from domain.errors import NotFound
from search.dictionaries import PACKAGE_DICTIONARY, SITE_DICTIONARY, dictionaries
from search.engine import DEFAULT_CACHED_POSTINGS, OR_NOTICE, WhooshSearchEngine
from search.highlight import Highlight
from search.process import INDEX_DIR, PROCESS, SearchProcess, open_engine, preload, warm_indexes
from search.results import DocumentGroup, SearchEngine, SearchHit, SearchResults

__all__ = [
    "DEFAULT_CACHED_POSTINGS",
    "INDEX_DIR",
    "OR_NOTICE",
    "PACKAGE_DICTIONARY",
    "PROCESS",
    "SITE_DICTIONARY",
    "DocumentGroup",
    "Highlight",
    "SearchEngine",
    "SearchHit",
    "SearchProcess",
    "SearchResults",
    "WhooshSearchEngine",
    "dictionaries",
    "open_engine",
    "preload",
    "search_hits",
    "warm_indexes",
]


def search_hits(
    engine: SearchEngine, query: str, *, release: str | None = None, limit: int = 10
) -> SearchResults:
    """The portal's entry point: query → results (raises HandbookError subclasses only)."""
    if not query.strip():
        raise NotFound("empty query", "请输入要检索的词语。")
    return engine.search(query, release=release, limit=limit)
