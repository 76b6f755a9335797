"""The run command's data: ``handbook demo --no-serve`` on a small handbook, twice."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.model import Release
from domain.serialize import release_to_dict
from portal.acks.keys import load_signer
from portal.acks.models import Acknowledgement
from portal.acks.services import verify_chain
from portal.auth.models import User
from portal.demo import ACCOUNTS


def test_demo_imports_the_release_creates_accounts_and_is_idempotent(
    runner: FlaskCliRunner, app: Any, tmp_path: Path, session: Session, document: Callable[..., Any]
) -> None:
    from cli.main import main

    release = Release("2026.1", "管理制度手册", dt.date(2026, 1, 1),
                      (document("sales", "销售管理制度", ["回款须在三十日内完成。"]), document("meetings", "会议管理制度", ["会议须有纪要。"])))
    releases = tmp_path / "handbook" / "releases"
    releases.mkdir(parents=True)
    (releases / "2026.1.json").write_text(json.dumps(release_to_dict(release), ensure_ascii=False), encoding="utf-8")
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    first = runner.invoke(main, ["--root", str(tmp_path), "demo", "--no-serve"], env=env)
    assert first.exit_code == 0, first.output
    assert "已导入版本 2026.1：2 项制度" in first.output
    for account in ACCOUNTS:
        assert f"{account.employee_no:6} {account.password}" in first.output
    assert (tmp_path / "var" / "index" / "2026.1").exists()
    signatures = session.scalar(select(func.count(Acknowledgement.id)))
    assert signatures and signatures > 0
    second = runner.invoke(main, ["--root", str(tmp_path), "demo", "--no-serve"], env=env)
    assert second.exit_code == 0, second.output
    assert "已导入版本" not in second.output
    assert session.scalar(select(func.count(User.id))) == len(ACCOUNTS)
    assert session.scalar(select(func.count(Acknowledgement.id))) == signatures
    key = tmp_path / "var" / "ack-signing-key.pem"
    assert key.stat().st_mode & 0o777 == 0o600 and f"签署记录签名密钥：{key}" in first.output
    assert verify_chain(session, load_signer(key).verifier).ok
