"""Publishing everywhere at once: database, site release and index switch together, or nothing changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from domain.errors import HandbookError
from domain.model import Document, Release
from portal.clock import FixedClock
from portal.releases.everywhere import Artefacts, publish_everywhere
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord
from portal.releases.services import PublishRequest
from project.paths import Paths
from search.analysis import load_segmenter
from search.dictionaries import dictionaries
from search.engine import WhooshSearchEngine

CHECKOUT_MKDOCS = Path(__file__).resolve().parents[3] / "mkdocs.yml"
SALES = ["销售人员应遵守合同，不得私自改价。", "回款须在三十日内完成。"]
MEETINGS = ["例会每周一召开。", "会议纪要由主持人签署。"]


class FailingAt(Artefacts):
    """Artefacts whose ``step`` fails, as a full disk or a crashed tool would."""

    step = ""

    def build_site(self, release: Release, previous: Release | None) -> None:
        super().build_site(release, previous)
        if self.step == "site":
            raise HandbookError("site build failed (injected)", "站点构建失败。")

    def build_index(self, release: Release) -> None:
        if self.step == "index":
            raise HandbookError("index failed (injected)", "检索索引建立失败。")
        super().build_index(release)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(tmp_path / "root")


@pytest.fixture
def publish_all(session: Session, clock: FixedClock, paths: Paths) -> Callable[..., Any]:
    def run(version: str, *documents: Document, step: str = "") -> tuple[Any, Release]:
        artefacts = FailingAt(paths, CHECKOUT_MKDOCS)
        artefacts.step = step
        release = Release(version, "测试手册", clock.today(), documents)
        return publish_everywhere(session, clock, artefacts, PublishRequest(release))

    return run


def _search(paths: Paths, query: str, release: str) -> list[str]:
    engine = WhooshSearchEngine(paths.index, load_segmenter(dictionaries(paths.root)))
    return [hit.text for hit in engine.search(query, release=release, limit=5).hits]


def _served(paths: Paths) -> list[str]:
    data = json.loads((paths.site / "versions.json").read_text(encoding="utf-8"))
    return [entry["version"] for entry in data if "latest" in entry["aliases"]]


@pytest.mark.slow
def test_a_revision_switches_database_site_and_index_together(
    session: Session, paths: Paths, publish_all: Callable[..., Any], document: Callable[..., Document]
) -> None:
    publish_all("2026.1", document("sales", "销售管理制度", SALES), document("meetings", "会议管理制度", MEETINGS))
    outcome, full = publish_all("2026.2", document("sales", "销售管理制度", [*SALES, "每月对账一次。"]))
    assert [d.status for d in outcome.documents] == ["substantive"]
    assert [d.slug for d in full.documents] == ["sales", "meetings"]  # the site keeps every regulation in force
    assert (paths.site / "2026.2" / "regulations").is_dir() and (paths.site / "2026.1").is_dir()
    assert _served(paths) == ["2026.2"]
    assert any("对账" in text for text in _search(paths, "对账", "2026.2"))
    assert any("例会" in text for text in _search(paths, "例会", "2026.2"))
    stored = json.loads((paths.releases / "2026.2.json").read_text(encoding="utf-8"))
    assert len(stored["documents"]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("step", ["site", "index", "database"])
def test_a_failure_at_any_step_leaves_the_previous_release_serving_and_a_retry_succeeds(
    step: str, session: Session, paths: Paths, publish_all: Callable[..., Any], document: Callable[..., Document],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    publish_all("2026.1", document("sales", "销售管理制度", SALES))
    revised = document("sales", "销售管理制度", [*SALES, "每月对账一次。"])
    if step == "database":
        def refuse() -> None:
            raise OperationalError("COMMIT", {}, Exception("disk I/O error (injected)"))

        monkeypatch.setattr(session, "commit", refuse)
    with pytest.raises((HandbookError, OperationalError)):
        publish_all("2026.2", revised, step="" if step == "database" else step)
    monkeypatch.undo()

    assert session.scalars(select(ReleaseRecord.version)).all() == ["2026.1"]
    regulation = session.scalars(select(Regulation)).one()
    current = session.get(RegulationVersion, regulation.current_version_id)
    assert current is not None and current.label == "2026.1"
    assert not (paths.site / "2026.2").exists()
    assert not (paths.index / "2026.2").exists()
    assert not (paths.releases / "2026.2.json").exists()
    assert _served(paths) == ["2026.1"]

    outcome, _ = publish_all("2026.2", revised)
    assert outcome.version == "2026.2"
    assert _served(paths) == ["2026.2"]
    assert any("对账" in text for text in _search(paths, "对账", "2026.2"))
