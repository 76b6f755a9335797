"""The Whoosh search engine: per-release searchers, cached postings and prepared queries.

:class:`WhooshSearchEngine` keeps, per engine: one open searcher per release
(reopened only when the release's index is swapped) with its cached-postings
evaluator (:mod:`search.evaluation`), and the parsed and compiled form of
recent queries.  What outlives one engine in a process (jieba, the warm-up
read before a fork, the engines forked workers open) is kept by
:mod:`search.process`.  Paths come in as arguments; nothing here reads the
environment.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from search.analysis import Segmenter, clause_number_key
from search.backoff import Vocabulary
from search.evaluation import CachedEvaluator
from search.highlight import highlight as mark_terms
from search.highlight import terms_pattern
from search.index import IndexMissing, built_releases, live_directory, read_meta
from search.matching import CONTENT, compile_query, compile_question, with_asked_kind
from search.query import ParsedQuery, Word, parse_query
from search.results import SearchHit, SearchResults
from search.synonyms import Synonyms, read_synonyms
from search.warmup import WarmBudget, WarmState, open_searcher, warm_state

log = logging.getLogger(__name__)

OR_NOTICE = "没有同时包含全部检索词的结果，以下为包含部分检索词的结果。"
DEFAULT_CACHED_POSTINGS = 1_000_000
BACKED_OFF_CACHE = 4096  # questions whose per-release loose form is kept


@dataclass(frozen=True)
class _Prepared:
    """A query parsed and compiled once, reused while it stays in the cache."""

    parsed: ParsedQuery
    strict: wq.Query
    loose: wq.Query | None  # the OR fallback, when there are several words
    pattern: Any
    question: bool = False  # a question: the loose hits fill the page after the strict ones


@dataclass
class _Live:
    directory: Path
    searcher: Searcher
    evaluator: CachedEvaluator | None  # None: Whoosh's own matchers and collector
    vocabulary: Vocabulary | None = None  # read on the first question with a word it lacks
    backed_off: dict[str, wq.Query | None] = field(default_factory=dict)  # question → its loose form here


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
        ``warm_states``: norms and postings read ahead, by build directory (default: none;
        :meth:`search.process.SearchProcess.open_engine` passes what its preload read, in this
        process or in the master it was forked from).
        ``rewarm``: when a release's build is opened without a warm state (swapped in by
        ``handbook index`` while the portal runs, or built after the master's preload), warm it
        within this budget in a background thread, so that only the queries right after the
        opening read postings (None: no thread, e.g. for the CLI; ``open_engine`` sets it)."""
        self._root = index_root
        self._warm: Mapping[Path, WarmState] = {} if warm_states is None else warm_states
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
            if prepared.question and len(top) < limit and prepared.loose is not None:
                top, total, mode = _filled(live, top, total, _loose_here(live, prepared), limit)
                notice = OR_NOTICE if mode == "or" else None
            elif total == 0 and prepared.loose is not None:
                top, total = _run(live, prepared.loose, limit)
                mode, notice = "or", OR_NOTICE
            hits = tuple(
                _hit(live.searcher, docnum, score, prepared, highlight) for score, docnum in top
            )
        parsed = prepared.parsed
        return SearchResults(
            query, chosen, total, hits, mode, notice if hits else None, parsed.ignored, parsed.asks
        )

    def set_synonyms(self, synonyms: Synonyms) -> None:
        """Replace the query expansion (e.g. with HR's additions); prepared queries are dropped if it changed."""
        if dict(synonyms) != dict(self._synonyms):
            self._synonyms = dict(synonyms)
            self._prepare.cache_clear()

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
        pattern = terms_pattern(parsed.highlight_terms)
        if parsed.asks:
            strict = with_asked_kind(compile_query(parsed), parsed)
            question = compile_question(parsed)
            loose = with_asked_kind(question, parsed) if question is not None else None
            return _Prepared(parsed, strict, loose, pattern, question=True)
        loose = compile_query(parsed, any_word=True) if parsed.scoring_words > 1 else None
        return _Prepared(parsed, compile_query(parsed), loose, pattern)

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
    the matches are counted separately, without scoring.  Its top-N loses
    matches of an AndMaybe of boosted terms (a question's statement terms),
    with or without skipping, so those are scored in full and sorted here.
    """
    if live.evaluator is not None:
        return live.evaluator.top(q, limit)
    if isinstance(q, wq.AndMaybe) and isinstance(q.b, wq.Or):
        every = live.searcher.search(q, limit=None, terms=False)
        ranked = sorted(((hit.score, hit.docnum) for hit in every), key=lambda sd: (-sd[0], sd[1]))
        return ranked[:limit], len(ranked)
    results = live.searcher.search(q, limit=limit, optimize=True, terms=False)
    top = [(score, docnum) for score, docnum in results.top_n]
    total = len(top) if len(top) < limit else len(results)
    return top, total


def _loose_here(live: _Live, prepared: _Prepared) -> wq.Query:
    """A question's loose form for this release: words it lacks backed off to its own (search.backoff)."""
    assert prepared.loose is not None
    key = prepared.parsed.text
    if key not in live.backed_off:
        if len(live.backed_off) >= BACKED_OFF_CACHE:
            live.backed_off.clear()
        if live.vocabulary is None:
            reader = live.searcher.reader()
            live.vocabulary = Vocabulary(
                (t.decode() if isinstance(t, bytes) else t for t in reader.lexicon(CONTENT)),
                lambda w: int(reader.doc_frequency(CONTENT, w)),
            )
        words = tuple(_backed_off(w, live.vocabulary) for w in prepared.parsed.words)
        changed = words != prepared.parsed.words
        question = compile_question(replace(prepared.parsed, words=words)) if changed else None
        live.backed_off[key] = with_asked_kind(question, prepared.parsed) if question is not None else None
    return live.backed_off[key] or prepared.loose


def _backed_off(word: Word, vocabulary: Vocabulary) -> Word:
    if word.optional or word.alternatives:
        return word
    near = vocabulary.near(word.text)
    return replace(word, alternatives=tuple((w,) for w in near)) if near else word


def _filled(
    live: _Live, top: list[tuple[float, int]], total: int, loose: wq.Query, limit: int
) -> tuple[list[tuple[float, int]], int, str]:
    """A question's page: the clauses with every word first, then the best of the loose matches.

    The total is the loose matches' count (they include the strict ones); the mode stays
    "and" when some clause had every word.
    """
    more, loose_total = _run(live, loose, limit)
    seen = {docnum for _, docnum in top}
    filled = top + [(score, docnum) for score, docnum in more if docnum not in seen]
    return filled[:limit], max(total, loose_total), "and" if top else "or"


def _hit(searcher: Searcher, docnum: int, score: float, prepared: _Prepared, highlight: bool) -> SearchHit:
    stored = searcher.stored_fields(docnum)
    data = stored["payload"]
    text = data["text"]
    pattern = prepared.pattern
    numbers = prepared.parsed.numbers
    return SearchHit(
        document=data["document"],
        number=data["number"],
        heading_path=tuple(data["heading_path"]),
        text=text,
        highlight=mark_terms(text, pattern) if highlight else None,
        url=data["url"],
        score=float(score),
        kind=data["kind"],
        document_slug=data["document_slug"],
        title=data["title"],
        key=stored["key"],
        number_matched=bool(numbers) and clause_number_key(data["number"]) in numbers,
    )
