"""A failed import leaves the previous handbook in place."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from cli.main import main


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
