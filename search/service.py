"""The search service: our own small interface, and the Whoosh implementation.

Callers (the CLI, the portal) depend on :class:`SearchEngine` only, so the
engine can be replaced.  :class:`WhooshSearchEngine` keeps, per process:
jieba (loaded once), one open searcher per release (reopened only when the
release's index is swapped) with its cached-postings evaluator
(:mod:`search.evaluation`), and the parsed and compiled form of recent
queries.  :func:`preload` (gunicorn's master) loads jieba and warms the
indexes before the fork (:mod:`search.warmup`), and forked workers open their
engine right after the fork, so no request pays for either.  Paths come in
as arguments; nothing here reads the environment.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from whoosh import query as wq
from whoosh.searching import Searcher

from domain.errors import NotFound
from search.analysis import Segmenter, load_segmenter
from search.evaluation import CachedEvaluator
from search.highlight import highlight as mark_terms
from search.highlight import terms_pattern
from search.index import IndexMissing, built_releases, live_directory, read_meta
from search.matching import compile_query
from search.query import ParsedQuery, parse_query
from search.synonyms import Synonyms, read_synonyms
from search.warmup import WarmBudget, WarmState, open_searcher, warm_state

log = logging.getLogger(__name__)

OR_NOTICE = "没有同时包含全部检索词的结果，以下为包含部分检索词的结果。"
PACKAGE_DICTIONARY = Path(__file__).with_name("company_dict.txt")
SITE_DICTIONARY = Path("publishing") / "dict" / "company.txt"
INDEX_DIR = Path("var") / "index"  # under the project root, as the CLI and the portal use it
DEFAULT_CACHED_POSTINGS = 1_000_000

# Warm states built by preload() in this process (gunicorn's master), by build directory:
# plain data, no open files, so forked workers inherit them safely.
_WARM: dict[Path, WarmState] = {}
_OPEN_AFTER_FORK: set[tuple[Path, tuple[Path, ...]]] = set()


@dataclass(frozen=True)
class SearchHit:
    """One matching clause (or heading, job description, form)."""

    document: str
    number: str
    heading_path: tuple[str, ...]
    text: str
    highlight: str
    url: str
    score: float
    kind: str = "clause"
    document_slug: str = ""
    title: str = ""
    key: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "number": self.number,
            "heading_path": list(self.heading_path),
            "text": self.text,
            "highlight": self.highlight,
            "url": self.url,
            "score": round(self.score, 4),
            "kind": self.kind,
            "document_slug": self.document_slug,
            "title": self.title,
        }


@dataclass(frozen=True)
class DocumentGroup:
    """The hits of one document, in rank order (the document ranks by its best hit)."""

    document: str
    document_slug: str
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True)
class SearchResults:
    query: str
    release: str
    total: int
    hits: tuple[SearchHit, ...]
    mode: str = "and"  # "and": every word matched; "or": the fallback
    notice: str | None = None
    ignored: tuple[str, ...] = field(default=())

    @property
    def groups(self) -> tuple[DocumentGroup, ...]:
        """Hits grouped by document, documents in the order of their best hit."""
        order: dict[str, list[SearchHit]] = {}
        for hit in self.hits:
            order.setdefault(hit.document_slug or hit.document, []).append(hit)
        return tuple(DocumentGroup(hits[0].document, slug, tuple(hits)) for slug, hits in order.items())

    def to_json(self) -> dict[str, Any]:
        """The shape of ``handbook search --json`` (issue 3), plus a few extra keys."""
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
            "release": self.release,
            "mode": self.mode,
            "notice": self.notice,
            "groups": [
                {"document": g.document, "document_slug": g.document_slug, "hits": len(g.hits)}
                for g in self.groups
            ],
        }


class SearchEngine(Protocol):
    """What the CLI and the portal need from a search engine."""

    def search(
        self, query: str, *, release: str | None = None, limit: int = 10, highlight: bool = True
    ) -> SearchResults: ...

    def releases(self) -> list[str]: ...


@dataclass(frozen=True)
class _Prepared:
    """A query parsed and compiled once, reused while it stays in the cache."""

    parsed: ParsedQuery
    strict: wq.Query
    loose: wq.Query | None  # the OR fallback, when there are several words
    pattern: Any


@dataclass
class _Live:
    directory: Path
    searcher: Searcher
    evaluator: CachedEvaluator | None  # None: Whoosh's own matchers and collector


class WhooshSearchEngine:
    """Search over the per-release Whoosh indexes under ``index_root``."""

    def __init__(
        self,
        index_root: Path,
        segmenter: Segmenter,
        *,
        query_cache_size: int = 1024,
        cached_postings: int = DEFAULT_CACHED_POSTINGS,
        synonyms: Synonyms | None = None,
        warm_states: Mapping[Path, WarmState] | None = None,
        rewarm: WarmBudget | None = None,
    ) -> None:
        """``cached_postings``: how many postings each release's evaluator may keep in memory
        (≈ 100 bytes each); 0 runs every query through Whoosh's own matchers instead.
        ``synonyms``: query expansion (default: ``search/synonyms.txt``; ``{}`` for none).
        ``warm_states``: norms and postings read ahead, by build directory (default: what
        :func:`preload` read in this process or in the master it was forked from).
        ``rewarm``: when a release's build is opened without a warm state (swapped in by
        ``handbook index`` while the portal runs, or built after the master's preload), warm it
        within this budget in a background thread, so that only the queries right after the
        opening read postings (None: no thread, e.g. for the CLI; :func:`open_engine` sets it)."""
        self._root = index_root
        self._warm = _WARM if warm_states is None else warm_states
        self._rewarm = rewarm
        self._cached_postings = cached_postings
        self._synonyms = read_synonyms() if synonyms is None else synonyms
        self._segmenter = segmenter
        self._live: dict[str, _Live] = {}
        self._lock = threading.Lock()
        self._default: tuple[int, str | None] = (-1, None)
        self._prepare = functools.lru_cache(maxsize=query_cache_size)(self._prepare_uncached)

    def releases(self) -> list[str]:
        return [m.release for m in built_releases(self._root)]

    def default_release(self) -> str:
        """The newest release with an index (cached until the index root changes)."""
        try:
            stamp = self._root.stat().st_mtime_ns
        except FileNotFoundError:
            stamp = -2
        if self._default[0] != stamp:
            releases = self.releases()
            self._default = (stamp, releases[0] if releases else None)
        if self._default[1] is None:
            raise IndexMissing(f"no search index under {self._root}")
        return self._default[1]

    def search(
        self, query: str, *, release: str | None = None, limit: int = 10, highlight: bool = True
    ) -> SearchResults:
        prepared = self._prepare(query.strip())
        chosen = prepared.parsed.release or release or self.default_release()
        limit = max(1, limit)
        with self._lock:
            live = self._searcher(chosen)
            mode, notice = "and", None
            top, total = _run(live, prepared.strict, limit)
            if total == 0 and prepared.loose is not None:
                top, total = _run(live, prepared.loose, limit)
                mode, notice = "or", OR_NOTICE
            hits = tuple(
                _hit(live.searcher, docnum, score, prepared.pattern, highlight) for score, docnum in top
            )
        return SearchResults(
            query, chosen, total, hits, mode, notice if hits else None, prepared.parsed.ignored
        )

    def open_releases(self) -> int:
        """Open every release's searcher now (e.g. right after a fork), not in a first request."""
        releases = self.releases()
        with self._lock:
            for release in releases:
                self._searcher(release)
        return len(releases)

    def cached_postings(self) -> dict[str, int]:
        """Postings held in memory per open release (what a warm-up or earlier queries read)."""
        with self._lock:
            return {
                release: live.evaluator.cached_postings if live.evaluator else 0
                for release, live in self._live.items()
            }

    def close(self) -> None:
        with self._lock:
            for live in self._live.values():
                live.searcher.close()
            self._live.clear()

    def _prepare_uncached(self, query: str) -> _Prepared:
        parsed = parse_query(query, self._segmenter, self._synonyms)
        loose = compile_query(parsed, any_word=True) if parsed.scoring_words > 1 else None
        return _Prepared(parsed, compile_query(parsed), loose, terms_pattern(parsed.highlight_terms))

    def _searcher(self, release: str) -> _Live:
        """The open searcher of a release; reopened only when its index was swapped."""
        directory = live_directory(self._root, release)
        live = self._live.get(release)
        if live is None or live.directory != directory:
            if live is not None:
                live.searcher.close()
            meta = read_meta(directory)
            if meta.dictionary and meta.dictionary != self._segmenter.fingerprint:
                log.warning("index %s was segmented with other dictionaries: run handbook index", directory)
            warm = self._warm.get(directory)
            searcher, weighting = open_searcher(directory, warm.norms if warm else None)
            evaluator = (
                CachedEvaluator(searcher, weighting, self._cached_postings) if self._cached_postings else None
            )
            if evaluator is not None and warm is not None:
                evaluator.adopt(warm.postings)
            if searcher.doc_count_all():
                searcher.stored_fields(0)  # opens the stored-fields column (≈ 10 ms) here, not in a query
            live = _Live(directory, searcher, evaluator)
            self._live[release] = live
            log.info("opened search index %s (%d documents)", directory, live.searcher.doc_count())
            if warm is None and evaluator is not None and self._rewarm is not None:
                self._rewarm_in_background(release, live, self._rewarm)
        return live

    def _rewarm_in_background(self, release: str, live: _Live, budget: WarmBudget) -> None:
        def run() -> None:
            try:
                state = warm_state(live.directory, budget, self._cached_postings)
            except Exception:  # a failed warm-up must not take the worker down
                log.exception("warming %s failed", live.directory)
                return
            with self._lock:
                if self._live.get(release) is live and live.evaluator is not None:
                    live.evaluator.adopt(state.postings)
            log.info("warmed search index %s: %d postings", live.directory, state.posting_count)

        threading.Thread(target=run, name=f"search-warm-{release}", daemon=True).start()


def _run(live: _Live, q: wq.Query, limit: int) -> tuple[list[tuple[float, int]], int]:
    """Top hits as (score, docnum), and the exact number of matches.

    By default through :mod:`search.evaluation` (cached postings).  Whoosh's
    own path: the top-N collector skips blocks that cannot reach the top
    (block-max quality), so it does not count; when it returned a full page
    the matches are counted separately, without scoring.
    """
    if live.evaluator is not None:
        return live.evaluator.top(q, limit)
    results = live.searcher.search(q, limit=limit, optimize=True, terms=False)
    top = [(score, docnum) for score, docnum in results.top_n]
    total = len(top) if len(top) < limit else len(results)
    return top, total


def _hit(searcher: Searcher, docnum: int, score: float, pattern: Any, highlight: bool) -> SearchHit:
    stored = searcher.stored_fields(docnum)
    data = stored["payload"]
    text = data["text"]
    return SearchHit(
        document=data["document"],
        number=data["number"],
        heading_path=tuple(data["heading_path"]),
        text=text,
        highlight=mark_terms(text, pattern) if highlight else "",
        url=data["url"],
        score=float(score),
        kind=data["kind"],
        document_slug=data["document_slug"],
        title=data["title"],
        key=stored["key"],
    )


def dictionaries(project_root: Path) -> tuple[Path, ...]:
    """Our dictionary, then the company dictionary the site's search uses, if present."""
    site = project_root / SITE_DICTIONARY
    return (PACKAGE_DICTIONARY, site) if site.is_file() else (PACKAGE_DICTIONARY,)


def preload(project_root: Path, budget: WarmBudget | None = None) -> None:
    """Load jieba and the dictionaries (≈ 1 s) and warm the search indexes, e.g. in gunicorn's master.

    Warming (:mod:`search.warmup`): each live release's BM25 norms and the
    postings of its most frequent terms are read into plain data, within one
    ``budget`` for all releases (newest release first).  Open searchers must
    not be shared across a fork, so none stays open here; instead each forked
    child opens the engine the portal uses (``open_engine``, same arguments)
    right after the fork, adopting that data, before it serves a request.
    """
    files = dictionaries(project_root)
    load_segmenter(files)
    index_root = project_root / INDEX_DIR
    warm_indexes(index_root, budget or WarmBudget())
    _open_after_fork(index_root, files)


def warm_indexes(
    index_root: Path, budget: WarmBudget, store: dict[Path, WarmState] | None = None
) -> list[WarmState]:
    """Read ahead every live release under ``index_root`` (newest first) within ``budget``.

    The states go into ``store`` (default: this process's, which engines use by default).
    """
    store = _WARM if store is None else store
    states = []
    postings, deadline = budget.max_postings, time.perf_counter() + budget.max_seconds
    for meta in built_releases(index_root):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        try:
            directory = live_directory(index_root, meta.release)
            state = store.get(directory) or warm_state(
                directory, WarmBudget(postings, remaining), DEFAULT_CACHED_POSTINGS
            )
        except Exception:  # an optimisation only: the portal must start even on a damaged index
            log.exception("warming search index of %s under %s failed", meta.release, index_root)
            continue
        store[directory] = state
        postings = max(0, postings - state.posting_count)
        states.append(state)
        log.info("warmed search index %s: %d postings", directory, state.posting_count)
    return states


def _open_after_fork(index_root: Path, files: tuple[Path, ...]) -> None:
    _register_fork_hook()
    _OPEN_AFTER_FORK.add((index_root, files))


@functools.cache
def _register_fork_hook() -> None:
    """Once per process: hooks cannot be unregistered, so the hook reads ``_OPEN_AFTER_FORK``."""
    os.register_at_fork(after_in_child=_open_engines_in_child)


def _open_engines_in_child() -> None:
    """Runs in every child forked from a preloaded process, before it does anything else."""
    for index_root, files in sorted(_OPEN_AFTER_FORK):
        try:
            open_engine(index_root, files).open_releases()
        except Exception as error:  # e.g. no index yet: the first search will say so
            log.warning("search index %s not opened after fork: %s", index_root, error)


@functools.lru_cache(maxsize=4)
def open_engine(index_root: Path, dictionary_files: tuple[Path, ...]) -> WhooshSearchEngine:
    """The process-wide engine for an index root: what the portal calls at start-up.

    With gunicorn ``--preload`` the workers share the loaded jieba.
    """
    return WhooshSearchEngine(index_root, load_segmenter(dictionary_files), rewarm=WarmBudget())


def search_hits(
    engine: SearchEngine, query: str, *, release: str | None = None, limit: int = 10
) -> SearchResults:
    """The portal's entry point: query → results (raises HandbookError subclasses only)."""
    if not query.strip():
        raise NotFound("empty query", "请输入要检索的词语。")
    return engine.search(query, release=release, limit=limit)
