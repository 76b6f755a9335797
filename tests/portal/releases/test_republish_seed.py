"""Republishing the real handbook's unchanged source asks nobody to sign and changes no anchor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.model import Release
from portal.clock import FixedClock
from portal.releases.models import Regulation, RegulationVersion
from portal.releases.services import PublishRequest, publish_release
from portal.releases.sources import import_sources, load_release

ROOT = Path(__file__).resolve().parents[3]


def _anchors(session: Session) -> dict[str, list[str]]:
    rows = session.execute(
        select(Regulation.slug, RegulationVersion)
        .join(RegulationVersion, RegulationVersion.id == Regulation.current_version_id)
    ).all()
    return {slug: [s.anchor for s in version.document().walk()] for slug, version in rows}


@pytest.mark.slow
def test_republishing_the_unchanged_seed_asks_nobody_and_keeps_every_anchor(
    session: Session, clock: FixedClock, make_user: Callable[..., Any]
) -> None:
    published = load_release(ROOT / "handbook" / "releases" / "2026.1.json")
    publish_release(session, clock, PublishRequest(published))
    session.commit()
    before = _anchors(session)

    handbook = import_sources(sorted((ROOT / "handbook" / "sources").glob("*.txt")))
    again = Release("2026.2", published.title, clock.today(), handbook.documents)
    outcome = publish_release(session, clock, PublishRequest(again))
    session.commit()

    statuses = {d.slug: d.status for d in outcome.documents}
    assert not [slug for slug, status in statuses.items() if status in ("new", "substantive")], statuses
    assert sum(d.asked_again for d in outcome.documents) == 0
    assert _anchors(session) == before
