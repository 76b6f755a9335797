"""The publishing commands, run as automation would: dry run, JSON, releases, withdraw, rollback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from cli.main import main
from portal.releases.models import Regulation, RegulationVersion

SALES_V1 = "销售管理制度\n第一章 总则\n第一条 为规范销售行为，特制定本制度。\n第二条 回款须在三十日内完成。\n"
SALES_V2 = SALES_V1.replace("三十日", "十五日") + "第三条 每月对账一次。\n"
MEETINGS = "会议管理制度\n第一章 总则\n第一条 例会每周一召开。\n第二条 会议纪要由主持人签署。\n"


def _run(root: Path, url: str, *args: str) -> Any:
    result = CliRunner().invoke(main, ["--root", str(root), *args], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    files = {}
    for name, text in {"sales1": SALES_V1, "sales2": SALES_V2, "meetings": MEETINGS}.items():
        folder = tmp_path / "in" / name
        folder.mkdir(parents=True)
        title = text.split("\n", 1)[0]
        files[name] = folder / f"{title}.txt"
        files[name].write_text(text, encoding="utf-8")
    return files


@pytest.mark.slow
def test_publish_dry_run_json_then_publish_withdraw_and_roll_back(
    tmp_path: Path, app: Any, session: Session, sources: dict[str, Path]
) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    root = tmp_path / "root"
    first = ["publish", str(sources["sales1"]), str(sources["meetings"]), "--version", "2026.1", "--effective", "2026-01-01"]
    _run(root, url, *first, "--summary", "首次发布", "--json")

    dry = _run(root, url, "publish", str(sources["sales2"]), "--version", "2026.2", "--effective", "2026-02-01",
               "--summary", "回款期限缩短", "--dry-run", "--json")
    plan = json.loads(dry.output)
    assert plan["version"] == "2026.2" and plan["retired"] == []
    [doc] = plan["documents"]
    assert doc["status"] == "substantive" and doc["changed_clauses"] == 2 and doc["title"] == "销售管理制度"
    assert not (root / "site" / "2026.2").exists()
    assert len(session.scalars(select(RegulationVersion)).all()) == 2  # the dry run wrote nothing

    done = json.loads(_run(root, url, "publish", str(sources["sales2"]), "--version", "2026.2", "--effective",
                           "2026-02-01", "--summary", "回款期限缩短", "--json").output)
    assert [d["status"] for d in done["documents"]] == ["substantive"]
    assert (root / "site" / "2026.2" / "regulations").is_dir()

    listed = json.loads(_run(root, url, "releases", "--json").output)
    assert [(r["version"], r["summary"]) for r in listed] == [("2026.1", "首次发布"), ("2026.2", "回款期限缩短")]

    _run(root, url, "withdraw", "会议管理制度", "--reason", "并入新制度")
    session.expire_all()
    in_force = session.scalars(select(Regulation.slug).where(Regulation.retired.is_(False))).all()
    assert in_force == ["销售管理制度"]

    _run(root, url, "rollback", "销售管理制度", "--to", "2026.1", "--version", "2026.3", "--effective", "2026-03-01",
         "--summary", "恢复三十日回款")
    session.expire_all()
    sales = session.scalars(select(Regulation).where(Regulation.slug == "销售管理制度")).one()
    current = session.get(RegulationVersion, sales.current_version_id)
    assert current is not None and current.label == "2026.3"
    assert "三十日" in current.document_json and "对账" not in current.document_json
    assert len(session.scalars(select(RegulationVersion).where(RegulationVersion.regulation_id == sales.id)).all()) == 3


def test_withdraw_without_a_reason_is_refused_in_chinese(tmp_path: Path, app: Any) -> None:
    result = CliRunner().invoke(main, ["--root", str(tmp_path / "root"), "withdraw", "无此制度", "--reason", " "],
                                env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert result.exit_code == 1 and "必须填写原因" in result.output
