"""Per-release indexes: built aside, swapped in atomically, reopened by the service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from search.analysis import Segmenter
from search.documents import SearchDocument
from search.index import BUILDS_DIR, build_index, built_releases, live_directory
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


def test_old_builds_are_pruned_but_the_previous_one_is_kept(tmp_path: Path, segmenter: Segmenter) -> None:
    for text in ("一", "二", "三", "四"):
        build_index(tmp_path, "2026.1", [doc("a", f"会议{text}")], segmenter)
    builds = [p for p in (tmp_path / BUILDS_DIR).iterdir() if not p.name.startswith(".")]
    assert len(builds) == 2


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
