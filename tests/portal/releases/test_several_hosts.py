"""Two portal instances on separate roots sharing one database: a release published on A is served by B."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy.orm import Session

from domain.model import Document, Release
from portal.auth.models import User
from portal.clock import FixedClock
from portal.releases.commands import sync_release_command
from portal.releases.everywhere import Artefacts, publish_everywhere
from portal.releases.services import PublishRequest
from portal.releases.sync import missing_parts
from project.paths import Paths
from tests.portal.conftest import PASSWORD

CHECKOUT_MKDOCS = Path(__file__).resolve().parents[3] / "mkdocs.yml"
OLD = ["出差须事先填写申请单。", "住宿标准按城市分级。"]
NEW_CLAUSE = "高铁二等座以上须经总经理批准。"


@pytest.fixture
def hosts(make_app: Callable[..., Flask], tmp_path: Path) -> tuple[Paths, Flask, Paths, Flask]:
    a, b = Paths(tmp_path / "host-a"), Paths(tmp_path / "host-b")
    app_a = make_app(HANDBOOK_ROOT=a.root, RELEASE_SYNC=True)
    app_b = make_app(HANDBOOK_ROOT=b.root, RELEASE_SYNC=True)
    return a, app_a, b, app_b


def _publish_on(paths: Paths, session: Session, clock: FixedClock, version: str, document: Document) -> None:
    from forms.declarations import ALL_FORMS

    release = Release(version, "员工手册", clock.today(), (document,))
    publish_everywhere(session, clock, Artefacts(paths, CHECKOUT_MKDOCS, tuple(ALL_FORMS)), PublishRequest(release))


@pytest.mark.slow
def test_a_release_published_on_one_host_is_served_by_the_other(
    hosts: tuple[Paths, Flask, Paths, Flask], session: Session, clock: FixedClock,
    make_user: Callable[..., User], document: Callable[..., Document],
) -> None:
    a, _app_a, b, app_b = hosts
    user = make_user("张三")
    _publish_on(a, session, clock, "2026.1", document("travel", "差旅管理制度", OLD))
    _publish_on(a, session, clock, "2026.2", document("travel", "差旅管理制度", [*OLD, NEW_CLAUSE]))
    assert missing_parts(a, "2026.2") == ()
    assert missing_parts(b, "2026.2") == ("snapshot", "site", "index")  # B has built nothing yet

    client = app_b.test_client()
    assert client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD}).status_code == 302
    found = client.get("/search", query_string={"q": "总经理批准"})
    assert found.status_code == 200
    assert "高铁二等座" in found.get_data(as_text=True)  # B's search answers from the new release at once
    page = client.get("/site/2026.2/")
    assert page.status_code == 200
    assert "差旅管理制度" in page.get_data(as_text=True)
    page.close()
    assert missing_parts(b, "2026.2") == ()
    # B built it from the database: the same regulations in force as A's snapshot.
    snapshot_a = json.loads((a.releases / "2026.2.json").read_text(encoding="utf-8"))
    snapshot_b = json.loads((b.releases / "2026.2.json").read_text(encoding="utf-8"))
    assert [d["slug"] for d in snapshot_b["documents"]] == [d["slug"] for d in snapshot_a["documents"]]
    assert NEW_CLAUSE in json.dumps(snapshot_b, ensure_ascii=False)
    versions = json.loads((b.site / "versions.json").read_text(encoding="utf-8"))
    assert versions[0]["version"] == "2026.2" and "latest" in versions[0]["aliases"]


@pytest.mark.slow
def test_sync_release_command_builds_what_the_host_lacks_and_then_nothing(
    hosts: tuple[Paths, Flask, Paths, Flask], session: Session, clock: FixedClock,
    database_url: str, document: Callable[..., Document],
) -> None:
    a, _app_a, b, _app_b = hosts
    _publish_on(a, session, clock, "2026.1", document("travel", "差旅管理制度", [*OLD, NEW_CLAUSE]))
    runner = CliRunner()
    first = runner.invoke(sync_release_command, obj=b, env={"DATABASE_URL": database_url})
    assert first.exit_code == 0, first.output
    assert "已补建版本快照、站点、检索索引" in first.output
    assert missing_parts(b, "2026.1") == ()
    again = runner.invoke(sync_release_command, obj=b, env={"DATABASE_URL": database_url})
    assert again.exit_code == 0 and "本机已是最新" in again.output
