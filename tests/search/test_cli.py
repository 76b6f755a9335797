"""``handbook index`` and ``handbook search`` on a project root made in a temporary directory."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from domain.model import Handbook, Release
from domain.serialize import dumps, handbook_to_dict, release_to_dict
from search.cli import results_json
from search.engine import WhooshSearchEngine
from search.highlight import Highlight
from search.results import SearchHit, SearchResults


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, small_book: Handbook) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "handbook" / "releases").mkdir(parents=True)
    (root / "handbook" / "model.json").write_text(dumps(handbook_to_dict(small_book)), encoding="utf-8")
    release = Release("2026.1", "2026 年第 1 版", dt.date(2026, 1, 1), small_book.documents)
    (root / "handbook" / "releases" / "2026.1.json").write_text(
        dumps(release_to_dict(release)), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["--root", str(root), "index"])
    assert result.exit_code == 0, result.output
    return root


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--root", str(project), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_index_builds_every_release_and_the_current_import(project: Path) -> None:
    assert {p.name for p in (project / "var" / "index").iterdir() if not p.name.startswith(".")} == {
        "2026.1",
        "current",
    }


def test_search_json_has_the_issue_s_shape(project: Path) -> None:
    data = json.loads(run(project, "search", "会议纪要由谁签署?", "--json"))
    assert data["query"] == "会议纪要由谁签署?"
    assert data["total"] >= 1
    hit = data["hits"][0]
    assert hit["url"] == "/site/2026.1/regulations/meeting-rules/#三-4"
    assert hit["number"] == "4." and hit["heading_path"] == ["三、会议的组织"]
    assert "<mark>" in hit["highlight"] and isinstance(hit["score"], float)


def test_limit_and_release_options(project: Path) -> None:
    data = json.loads(run(project, "search", "营销中心", "--json", "--limit", "1", "--release", "current"))
    assert len(data["hits"]) == 1 and data["total"] > 1
    assert data["hits"][0]["url"].startswith("/site/latest/")


def test_text_output_groups_hits_by_document(project: Path) -> None:
    out = run(project, "search", "会议纪要")
    assert "■ 市场营销中心会议管理制度" in out
    assert "/site/2026.1/regulations/meeting-rules/#三-4" in out


def test_index_of_an_unknown_release_is_a_chinese_error(project: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(project), "index", "--release", "1999"])
    assert result.exit_code != 0
    assert "找不到版本 1999" in result.output


def test_the_standard_forms_are_searchable_and_link_to_the_forms_page(project: Path) -> None:
    data = json.loads(run(project, "search", "kind:表单 会议纪要", "--json"))
    assert data["hits"], "the minutes form should be found"
    assert data["hits"][0]["kind"] == "form"
    assert data["hits"][0]["url"].startswith("/site/2026.1/forms/#表单-")


def test_json_has_the_issue_s_shape(small_engine: WhooshSearchEngine) -> None:
    data = results_json(small_engine.search("会议纪要 签署"))
    assert set(data) >= {"query", "total", "hits"}
    hit = data["hits"][0]
    assert set(hit) >= {"document", "number", "heading_path", "text", "highlight", "url", "score"}
    assert isinstance(hit["heading_path"], list) and isinstance(hit["score"], float)


def marked_hit(highlight: Highlight | None) -> SearchResults:
    hit = SearchHit("会议制度", "4.", (), "<b>会议纪要</b>由会议主持人签署", highlight, "/site/x/", 1.0)
    return SearchResults("会议纪要", "2026.1", 1, (hit,))


def test_the_json_highlight_is_escaped_text_with_marks() -> None:
    highlight = Highlight("<b>会议纪要</b>由会议主持人签署", ((3, 7), (12, 14)))
    assert results_json(marked_hit(highlight))["hits"][0]["highlight"] == (
        "&lt;b&gt;<mark>会议纪要</mark>&lt;/b&gt;由<mark>会议</mark>主持人签署"
    )
    assert results_json(marked_hit(None))["hits"][0]["highlight"] == ""


def test_text_output_shows_the_marked_snippet_as_plain_text(project: Path) -> None:
    out = run(project, "search", "会议纪要 签署")
    assert "会议纪要" in out and "<mark>" not in out and "&" not in out
