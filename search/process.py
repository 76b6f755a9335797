"""What one process keeps for search across requests: the warm-up, and the engines it opens.

gunicorn's master calls :func:`preload` before it forks: jieba and the
dictionaries are loaded (≈ 1 s) and every live release's BM25 norms and
frequent postings are read into plain data (:mod:`search.warmup`), kept by
build directory in a :class:`SearchProcess`.  Open searchers must not be
shared across a fork, so none stays open in the master; instead a fork hook
makes each child open the engine the portal uses (:meth:`SearchProcess.open_engine`,
same arguments) right after the fork, adopting that data before it serves a
request.  The process's holder is :data:`PROCESS`; the module functions use it.
"""

from __future__ import annotations

import logging
import os
import time
import weakref
from collections import OrderedDict
from pathlib import Path

from search.analysis import load_segmenter
from search.dictionaries import dictionaries
from search.engine import DEFAULT_CACHED_POSTINGS, WhooshSearchEngine
from search.index import built_releases, live_directory
from search.warmup import WarmBudget, WarmState, warm_state

log = logging.getLogger(__name__)

INDEX_DIR = Path("var") / "index"  # under the project root, as the CLI and the portal use it
OPEN_ENGINES = 4  # engines kept per process, one per (index root, dictionaries)

_EngineKey = tuple[Path, tuple[Path, ...]]


class SearchProcess:
    """The warm-up read in this process (or the master it was forked from), and the engines it opened."""

    def __init__(self) -> None:
        self.warm_states: dict[Path, WarmState] = {}
        """Warm states by build directory: plain data, no open files, so forked children inherit them."""
        self._open_after_fork: set[_EngineKey] = set()
        self._engines: OrderedDict[_EngineKey, WhooshSearchEngine] = OrderedDict()
        self._fork_hook = False

    def preload(self, project_root: Path, budget: WarmBudget | None = None) -> None:
        """Load jieba and the dictionaries and warm the search indexes, e.g. in gunicorn's master.

        Warming: each live release's BM25 norms and the postings of its most
        frequent terms are read into plain data, within one ``budget`` for all
        releases (newest release first).  Every child forked afterwards opens
        :meth:`open_engine` for this project right after the fork.
        """
        files = dictionaries(project_root)
        load_segmenter(files)
        index_root = project_root / INDEX_DIR
        self.warm_indexes(index_root, budget or WarmBudget())
        self._install_fork_hook()
        self._open_after_fork.add((index_root, files))

    def warm_indexes(
        self, index_root: Path, budget: WarmBudget, store: dict[Path, WarmState] | None = None
    ) -> list[WarmState]:
        """Read ahead every live release under ``index_root`` (newest first) within ``budget``.

        The states go into ``store`` (default: :attr:`warm_states`, which :meth:`open_engine` uses).
        """
        store = self.warm_states if store is None else store
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

    def open_engine(self, index_root: Path, dictionary_files: tuple[Path, ...]) -> WhooshSearchEngine:
        """The process-wide engine for an index root: what the portal calls at start-up.

        With gunicorn ``--preload`` the workers share the loaded jieba and adopt the warm-up.
        The last :data:`OPEN_ENGINES` engines stay open (an evicted one is not closed: a request
        may still use it).
        """
        key = (index_root, dictionary_files)
        engine = self._engines.get(key)
        if engine is None:
            engine = WhooshSearchEngine(
                index_root, load_segmenter(dictionary_files), warm_states=self.warm_states, rewarm=WarmBudget()
            )
            self._engines[key] = engine
            if len(self._engines) > OPEN_ENGINES:
                self._engines.popitem(last=False)
        else:
            self._engines.move_to_end(key)
        return engine

    def open_engines_in_child(self) -> None:
        """Runs in every child forked after :meth:`preload`, before it does anything else."""
        for index_root, files in sorted(self._open_after_fork):
            try:
                self.open_engine(index_root, files).open_releases()
            except Exception as error:  # e.g. no index yet: the first search will say so
                log.warning("search index %s not opened after fork: %s", index_root, error)

    def _install_fork_hook(self) -> None:
        """Once per holder: fork hooks cannot be unregistered, so the hook holds the holder weakly."""
        if self._fork_hook:
            return
        holder = weakref.ref(self)

        def in_child() -> None:
            alive = holder()
            if alive is not None:
                alive.open_engines_in_child()

        os.register_at_fork(after_in_child=in_child)
        self._fork_hook = True


PROCESS = SearchProcess()
"""This process's holder (gunicorn's master preloads it; its workers inherit it)."""


def preload(project_root: Path, budget: WarmBudget | None = None) -> None:
    """:meth:`SearchProcess.preload` of this process."""
    PROCESS.preload(project_root, budget)


def warm_indexes(
    index_root: Path, budget: WarmBudget, store: dict[Path, WarmState] | None = None
) -> list[WarmState]:
    """:meth:`SearchProcess.warm_indexes` of this process."""
    return PROCESS.warm_indexes(index_root, budget, store)


def open_engine(index_root: Path, dictionary_files: tuple[Path, ...]) -> WhooshSearchEngine:
    """:meth:`SearchProcess.open_engine` of this process."""
    return PROCESS.open_engine(index_root, dictionary_files)
