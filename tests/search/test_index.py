"""Per-release indexes: built aside, swapped in atomically, reopened by the service."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from search.analysis import Segmenter
from search.documents import SearchDocument
from search.index import (
    BUILDS_DIR,
    GRACE_SECONDS,
    build_index,
    built_releases,
    collect_garbage,
    live_directory,
    open_index,
)
from search.matching import CONTENT, compile_query
from search.query import parse_query
from search.scoring import length_norms, load_norms
from search.service import WhooshSearchEngine


def doc(key: str, text: str) -> SearchDocument:
    return SearchDocument(key, "clause", "测试制度", "test", "第一条", "", (), text, f"/site/r/x/#{key}")


def test_the_release_name_points_at_a_complete_build(tmp_path: Path, segmenter: Segmenter) -> None:
    build = build_index(tmp_path, "2026.1", [doc("a", "会议纪要")], segmenter)
    link = tmp_path / "2026.1"
    assert link.is_symlink()
    assert live_directory(tmp_path, "2026.1") == build.resolve()
    assert not list((tmp_path / BUILDS_DIR).glob(".tmp-*"))


def test_rebuilding_replaces_the_documents_and_open_engines_see_the_new_index(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    build_index(tmp_path, "2026.1", [doc("a", "会议纪要"), doc("b", "回款目标")], segmenter)
    engine = WhooshSearchEngine(tmp_path, segmenter)
    assert [h.key for h in engine.search("会议纪要").hits] == ["a"]
    # The same keys again, with changed text: nothing of the old build may survive.
    build_index(tmp_path, "2026.1", [doc("a", "样板间"), doc("b", "回款目标")], segmenter)
    assert engine.search("会议纪要").hits == ()
    assert [h.key for h in engine.search("样板间").hits] == ["a"]
    assert engine.search("回款目标").total == 1
    engine.close()


def builds_of(root: Path) -> set[Path]:
    return {p for p in (root / BUILDS_DIR).iterdir() if not p.name.startswith(".")}


def after_grace() -> float:
    return time.time() + GRACE_SECONDS + 1


def test_superseded_builds_go_after_the_grace_period_but_the_live_and_previous_stay(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    made = [build_index(tmp_path, "2026.1", [doc("a", f"会议{text}")], segmenter) for text in "一二三四"]
    assert builds_of(tmp_path) == set(made)  # all four were superseded just now: none is old enough
    removed = collect_garbage(tmp_path, now=after_grace())
    assert set(removed) == set(made[:2])
    assert builds_of(tmp_path) == set(made[2:])
    assert live_directory(tmp_path, "2026.1") == made[3].resolve()


def test_a_search_still_open_on_the_previous_build_keeps_working(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    build_index(tmp_path, "2026.1", [doc("a", "会议纪要")], segmenter)
    engine = WhooshSearchEngine(tmp_path, segmenter, cached_postings=0)  # every query reads the files
    assert engine.search("会议纪要").total == 1
    build_index(tmp_path, "2026.1", [doc("a", "样板间")], segmenter)
    collect_garbage(tmp_path, now=after_grace())
    # The engine's open searcher is the previous build's, kept for one generation: reading still works.
    (live,) = engine._live.values()
    assert live.directory.is_dir()
    assert len(live.searcher.search(compile_query(parse_query("会议纪要", segmenter, {})))) == 1
    assert [h.key for h in engine.search("样板间").hits] == ["a"]  # and the next query moves on
    engine.close()


def test_builds_of_other_releases_and_their_live_builds_are_untouched(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    other = build_index(tmp_path, "2025.1", [doc("old", "会议")], segmenter)
    for text in "一二三":
        build_index(tmp_path, "2026.1", [doc("a", f"会议{text}")], segmenter)
    collect_garbage(tmp_path, now=after_grace())
    assert other in builds_of(tmp_path)
    assert live_directory(tmp_path, "2025.1") == other.resolve()


def test_leftovers_of_crashed_builds_go_once_untouched_for_the_grace_period(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    build_index(tmp_path, "2026.1", [doc("a", "会议")], segmenter)
    crashed = tmp_path / BUILDS_DIR / ".tmp-2026.1-20260101000000-abcdef"
    crashed.mkdir()
    (crashed / "segment.seg").write_bytes(b"half")
    stray_link = tmp_path / ".2026.1.0123abcd.link"
    stray_link.symlink_to(crashed)
    assert collect_garbage(tmp_path) == []  # a build may still be writing them
    assert set(collect_garbage(tmp_path, now=after_grace())) == {crashed, stray_link}
    assert not crashed.exists()
    assert not stray_link.is_symlink()
    assert live_directory(tmp_path, "2026.1").is_dir()


def test_releases_are_listed_newest_first_and_the_newest_is_the_default(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    build_index(tmp_path, "2025.1", [doc("old", "会议")], segmenter, effective=dt.date(2025, 1, 1))
    build_index(tmp_path, "2026.1", [doc("new", "会议")], segmenter, effective=dt.date(2026, 1, 1))
    build_index(tmp_path, "current", [doc("draft", "会议")], segmenter)
    assert [m.release for m in built_releases(tmp_path)] == ["2026.1", "2025.1", "current"]
    engine = WhooshSearchEngine(tmp_path, segmenter)
    assert [h.key for h in engine.search("会议").hits] == ["new"]
    assert [h.key for h in engine.search("会议", release="2025.1").hits] == ["old"]
    engine.close()


def test_a_build_saves_its_length_norms_and_a_mismatched_file_is_ignored(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    build = build_index(
        tmp_path, "2026.1", [doc("a", "会议纪要"), doc("b", "回款目标 会议 纪要 签署")], segmenter
    )
    with open_index(build).searcher() as searcher:
        computed = length_norms(searcher, CONTENT)
    assert load_norms(build, CONTENT, 2) == computed
    assert computed[0] != computed[1]  # lengths differ, so do the norms
    assert load_norms(build, CONTENT, 3) is None  # not this build's: recomputed on opening
