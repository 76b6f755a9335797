"""``handbook import``: files written, the --json shape, failures, progress, and byte-for-byte re-import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.main import main
from importers.cli import write_output
from importers.pipeline import MODEL_FILE, REPORT_FILE, import_files, run_import

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "handbook" / "sources"
SEED = SOURCES / "marketing-handbook-2010.txt"
GENERATED_DIRS = ("regulations", "jobs")
SMALL = "会议管理制度\n一、会议的定义会议是工作的组成部分。\n二、会议的目的1.统一部署：传达目标。\n"


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def seed_json() -> dict[str, Any]:
    result = _invoke("import", str(SEED), "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_import_writes_pages_model_and_report(tmp_path: Path) -> None:
    result = _invoke("import", str(SEED), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "导入了 20 篇文档" in result.stdout
    assert (tmp_path / MODEL_FILE).is_file() and (tmp_path / REPORT_FILE).is_file()
    assert len(list((tmp_path / "regulations").glob("*.md"))) == 20
    report = (tmp_path / REPORT_FILE).read_text(encoding="utf-8")
    assert "营销中心目标管理制度.doc" in report and "第1页共23页" in report


def test_json_has_exactly_the_promised_shape(seed_json: dict[str, Any]) -> None:
    assert {"documents", "dropped"} <= seed_json.keys()
    for document in seed_json["documents"]:
        assert {
            "title",
            "slug",
            "kind",
            "preamble",
            "sections",
            "job_descriptions",
            "warnings",
        } <= document.keys()
        assert document["kind"] in ("regulation", "handbook", "job-descriptions", "mixed")
        assert isinstance(document["preamble"], str)
        assert all(isinstance(w, str) for w in document["warnings"])
        for section in document["sections"]:
            assert isinstance(section["level"], int) and section["level"] >= 1
            assert all(isinstance(section[k], str) for k in ("number", "title", "text"))
        for job in document["job_descriptions"]:
            assert isinstance(job["title"], str)
            for key in ("department", "reports_to", "summary"):
                assert job[key] is None or isinstance(job[key], str)
            for key in ("subordinates", "responsibilities", "authorities", "qualifications"):
                assert all(isinstance(v, str) for v in job[key])
    for dropped in seed_json["dropped"]:
        assert set(dropped) >= {"text", "reason", "source"}


def test_json_sections_are_in_reading_order_with_levels(seed_json: dict[str, Any]) -> None:
    rules = next(d for d in seed_json["documents"] if d["title"] == "营销中心案场规章制度")
    rows = [(s["level"], s["number"], s["title"]) for s in rules["sections"]][:5]
    assert rows == [
        (1, "第一章", "总则"),
        (2, "第一条", ""),
        (2, "第二条", ""),
        (2, "第三条", ""),
        (1, "第二章", "营销中心案场管理"),
    ]


def test_json_writes_no_files(tmp_path: Path) -> None:
    result = _invoke("import", str(SEED), "--json", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert not (tmp_path / "out").exists()


def test_with_keep_going_a_bad_file_fails_the_run_but_not_the_other_files(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SMALL, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    fake = tmp_path / "fake.doc"
    fake.write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "out"
    result = _invoke("import", "--keep-going", str(good), str(empty), str(fake), "--out", str(out))
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr and "fake.doc" in result.stderr
    assert "已跳过 2 个无法导入的文件" in result.stderr
    model = json.loads((out / MODEL_FILE).read_text(encoding="utf-8"))
    assert [d["title"] for d in model["documents"]] == ["会议管理制度"]
    assert len(model["errors"]) == 2
    assert "无法导入的文件" in (out / REPORT_FILE).read_text(encoding="utf-8")


def test_several_files_show_a_progress_bar_on_stderr(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(SMALL, encoding="utf-8")
    result = _invoke(
        "import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--out", str(tmp_path / "out")
    )
    assert result.exit_code == 0
    assert "导入" in result.stderr
    model = json.loads((tmp_path / "out" / MODEL_FILE).read_text(encoding="utf-8"))
    assert [d["slug"] for d in model["documents"]] == ["会议管理制度", "会议管理制度-2"]


def test_default_output_is_the_projects_handbook_directory(tmp_path: Path) -> None:
    source = tmp_path / "gbk.txt"
    source.write_bytes(SMALL.encode("gbk"))
    result = _invoke("--root", str(tmp_path), "import", str(source))
    assert result.exit_code == 0, result.output
    model = json.loads((tmp_path / "handbook" / MODEL_FILE).read_text(encoding="utf-8"))
    assert model["documents"][0]["sections"][0]["title"] == "会议的定义"


def test_a_directory_stands_for_its_source_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(SMALL.replace("会议", "例会"), encoding="utf-8")
    (tmp_path / "a.txt").write_text(SMALL, encoding="utf-8")
    (tmp_path / "notes.png").write_bytes(b"\x89PNG")
    handbook = import_files([tmp_path])
    assert [d.title for d in handbook.documents] == ["会议管理制度", "例会管理制度"]


def _generated_files(directory: Path) -> dict[str, bytes]:
    files = [
        directory / MODEL_FILE,
        directory / REPORT_FILE,
        directory / "index.md",
        directory / "org-chart.md",
    ]
    for sub in GENERATED_DIRS:
        files += sorted((directory / sub).glob("*.md"))
    return {str(p.relative_to(directory)): p.read_bytes() for p in files if p.is_file()}


def test_reimporting_the_sources_reproduces_the_committed_handbook(tmp_path: Path) -> None:
    run = run_import([SOURCES])
    write_output(run.handbook, tmp_path, run)
    fresh = _generated_files(tmp_path)
    committed = _generated_files(ROOT / "handbook")
    assert sorted(fresh) == sorted(committed), "run `handbook import handbook/sources` and commit handbook/"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], f"re-import differs in {changed}: run `handbook import handbook/sources`"


def test_two_imports_give_the_same_bytes(tmp_path: Path) -> None:
    for name in ("one", "two"):
        run = run_import([SEED])
        write_output(run.handbook, tmp_path / name, run)
    assert _generated_files(tmp_path / "one") == _generated_files(tmp_path / "two")
