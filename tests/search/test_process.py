"""A process's search state: the warm-up done before a fork, the engines forked children open at once."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from domain.model import Handbook, Release
from search import process
from search.analysis import Segmenter
from search.dictionaries import dictionaries
from search.index import build_index, live_directory
from search.process import INDEX_DIR, OPEN_ENGINES, SearchProcess, open_engine, preload
from search.sources import release_source
from search.warmup import WarmBudget, WarmState


def test_a_process_forked_after_preload_opens_its_engine_warm_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, segmenter: Segmenter, small_book: Handbook
) -> None:
    # This process's holder, for this test only: what preload() records, and the engines forked children open.
    holder = SearchProcess()
    monkeypatch.setattr(process, "PROCESS", holder)
    index_root = tmp_path / INDEX_DIR
    release = Release("2026.1", "2026 年第 1 版", dt.date(2026, 1, 1), small_book.documents)
    build_index(index_root, "2026.1", release_source(release).search_documents(), segmenter)
    preload(tmp_path)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child, as a gunicorn worker right after the fork: no query yet
        code = 1
        try:
            engine = open_engine(index_root, dictionaries(tmp_path))
            os.write(write_end, json.dumps(engine.cached_postings()).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = json.loads(pipe.read() or b"{}")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert list(report) == ["2026.1"]
    assert report["2026.1"] == sum(s.posting_count for s in holder.warm_states.values()) > 0


def test_without_preload_a_forked_child_opens_nothing(tmp_path: Path) -> None:
    holder = SearchProcess()
    holder.open_engines_in_child()  # what the fork hook would run: nothing was recorded
    assert holder.warm_states == {}


def test_warm_states_go_into_the_given_store_and_are_not_read_twice(
    real_index_root: Path, warm_states: dict[Path, WarmState]
) -> None:
    holder = SearchProcess()
    store = dict(warm_states)
    again = holder.warm_indexes(real_index_root, WarmBudget(), store=store)
    assert [state.directory for state in again] == [live_directory(real_index_root, "current")]
    assert again[0] is warm_states[again[0].directory]  # already in the store: kept, not read again
    assert holder.warm_states == {}


def test_a_spent_budget_warms_no_release(real_index_root: Path) -> None:
    holder = SearchProcess()
    assert holder.warm_indexes(real_index_root, WarmBudget(max_seconds=0.0)) == []
    assert holder.warm_states == {}


def test_the_engine_of_an_index_root_is_opened_once_and_the_last_few_stay_open(tmp_path: Path) -> None:
    holder = SearchProcess()
    files = dictionaries(tmp_path)
    first = holder.open_engine(tmp_path / "a", files)
    assert holder.open_engine(tmp_path / "a", files) is first
    others = [holder.open_engine(tmp_path / f"other-{n}", files) for n in range(OPEN_ENGINES - 1)]
    assert holder.open_engine(tmp_path / "a", files) is first  # used again: now the most recent
    holder.open_engine(tmp_path / "one-more", files)
    assert holder.open_engine(tmp_path / "a", files) is first
    assert holder.open_engine(tmp_path / "other-0", files) is not others[0]  # evicted by one-more
    assert holder.open_engine(tmp_path / "a", files) is first
