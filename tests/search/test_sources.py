"""What gets indexed: every published release, then the current import; one by name on request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from domain.errors import NotFound
from domain.model import Handbook, Release
from domain.serialize import dumps, handbook_to_dict, release_to_dict
from search.sources import CURRENT, load_sources


@pytest.fixture
def project(tmp_path: Path, small_book: Handbook) -> tuple[Path, Path]:
    releases = tmp_path / "releases"
    releases.mkdir()
    for version in ("2026.2", "2026.1"):
        release = Release(version, f"{version} 版", dt.date(2026, 1, 1), small_book.documents)
        (releases / f"{version}.json").write_text(dumps(release_to_dict(release)), encoding="utf-8")
    model = tmp_path / "model.json"
    model.write_text(dumps(handbook_to_dict(small_book)), encoding="utf-8")
    return releases, model


def test_every_release_in_order_then_the_current_import(project: tuple[Path, Path]) -> None:
    sources = load_sources(*project)
    assert [s.release for s in sources] == ["2026.1", "2026.2", CURRENT]
    assert sources[-1].title == "当前导入" and sources[-1].effective is None


def test_hits_of_a_release_link_to_its_site_and_of_the_current_import_to_latest(
    project: tuple[Path, Path],
) -> None:
    (release,) = load_sources(*project, release="2026.1")
    (current,) = load_sources(*project, release=CURRENT)
    assert all(d.url.startswith("/site/2026.1/") for d in release.search_documents())
    assert all(d.url.startswith("/site/latest/") for d in current.search_documents())


def test_an_unknown_release_and_a_missing_import_are_chinese_errors(
    project: tuple[Path, Path], tmp_path: Path
) -> None:
    with pytest.raises(NotFound) as unknown:
        load_sources(*project, release="1999")
    assert unknown.value.user_message == "找不到版本 1999。"
    with pytest.raises(NotFound) as missing:
        load_sources(project[0], tmp_path / "nowhere.json", release=CURRENT)
    assert "请先运行 handbook import" in missing.value.user_message


def test_without_an_import_only_the_releases_are_indexed(project: tuple[Path, Path], tmp_path: Path) -> None:
    assert [s.release for s in load_sources(project[0], tmp_path / "nowhere.json")] == ["2026.1", "2026.2"]
