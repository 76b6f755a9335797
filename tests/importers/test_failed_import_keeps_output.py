"""A failed import leaves the previous handbook in place."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from importers.pipeline import MODEL_FILE
from tests.importers.word_samples import build_unstyled


def test_import_of_only_bad_files_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "handbook"
    good = tmp_path / "会议管理制度.txt"
    good.write_text(
        "会议管理制度\n第一条 为规范会议，特制定本制度。\n第二条 本制度自发布之日起施行。\n", encoding="utf-8"
    )
    runner = CliRunner()
    first = runner.invoke(main, ["import", str(good), "--out", str(out)])
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert any(p.suffix == ".md" for p in before)

    bad = tmp_path / "坏文件.doc"
    bad.write_bytes(os.urandom(4096))
    second = runner.invoke(main, ["import", str(bad), "--out", str(out)])

    assert second.exit_code == 1
    assert "坏文件.doc" in second.output
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def _good_and_truncated(tmp_path: Path) -> tuple[Path, Path]:
    good = tmp_path / "good.docx"
    build_unstyled(
        good, ["会议管理制度", "第一条 为规范会议，特制定本制度。", "第二条 本制度自发布之日起施行。"]
    )
    truncated = tmp_path / "truncated.docx"
    data = good.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    return good, truncated


def _snapshot(directory: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def test_a_batch_with_a_failed_file_leaves_the_handbook_unchanged(tmp_path: Path) -> None:
    """Finding 8: `handbook import good.docx truncated.docx` exited 1 but rewrote handbook/."""
    root = tmp_path / "project"
    seed = tmp_path / "seed.txt"
    seed.write_text(
        "考勤管理制度\n第一条 员工应准时到岗。\n第二条 本制度自发布之日起施行。\n", encoding="utf-8"
    )
    runner = CliRunner()
    first = runner.invoke(main, ["--root", str(root), "import", str(seed)])
    assert first.exit_code == 0, first.output
    before = _snapshot(root / "handbook")
    assert len(before) > 3

    good, truncated = _good_and_truncated(tmp_path)
    result = runner.invoke(main, ["--root", str(root), "import", str(good), str(truncated)])

    assert result.exit_code == 1
    assert _snapshot(root / "handbook") == before
    assert "truncated.docx" in result.stderr and "--keep-going" in result.stderr
    assert "输出目录保持不变" in result.stderr


def test_keep_going_writes_the_good_files_and_names_the_refused_ones(tmp_path: Path) -> None:
    root = tmp_path / "project"
    good, truncated = _good_and_truncated(tmp_path)
    result = CliRunner().invoke(
        main, ["--root", str(root), "import", "--keep-going", str(good), str(truncated)]
    )

    assert result.exit_code == 1  # documented in --help: some files were refused
    model = json.loads((root / "handbook" / MODEL_FILE).read_text(encoding="utf-8"))
    assert [d["title"] for d in model["documents"]] == ["会议管理制度"]
    assert "truncated.docx" in result.stderr and "已跳过" in result.stderr
    assert "good.docx" not in result.stderr


def test_the_help_says_what_keep_going_does_and_the_exit_status() -> None:
    result = CliRunner().invoke(main, ["import", "--help"])
    assert "--keep-going" in result.output and "退出状态为 1" in result.output
