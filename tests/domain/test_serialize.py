"""The stored model loads back exactly as it was written."""

from __future__ import annotations

import datetime as dt
import json

from domain.canonical import canonical_text, content_hash
from domain.model import Handbook, Release
from domain.serialize import (
    dumps,
    handbook_from_dict,
    handbook_to_dict,
    release_from_dict,
    release_to_dict,
)
from tests.domain.factories import meeting_rules


def test_handbook_round_trips_through_json() -> None:
    handbook = Handbook(documents=(meeting_rules(),))
    loaded = handbook_from_dict(json.loads(dumps(handbook_to_dict(handbook))))
    assert loaded == handbook


def test_sections_are_flattened_in_reading_order_with_levels() -> None:
    rows = handbook_to_dict(Handbook(documents=(meeting_rules(),)))["documents"][0]["sections"]
    assert [(r["level"], r["number"]) for r in rows] == [
        (1, "第一章"),
        (2, "第一条"),
        (2, "第二条"),
        (1, "第二章"),
        (2, "第十条"),
    ]
    assert set(rows[0]) >= {"level", "number", "title", "text"}


def test_release_round_trips_and_keeps_its_date() -> None:
    release = Release("2026.1", "2026 年第一版", dt.date(2026, 1, 1), (meeting_rules(),))
    assert release_from_dict(json.loads(dumps(release_to_dict(release)))) == release


def test_serialisation_is_deterministic() -> None:
    handbook = Handbook(documents=(meeting_rules(),))
    assert dumps(handbook_to_dict(handbook)) == dumps(handbook_to_dict(handbook_from_dict(handbook_to_dict(handbook))))


def test_content_hash_ignores_source_metadata_but_not_text() -> None:
    from dataclasses import replace

    from domain.model import SourceRef

    doc = meeting_rules()
    moved = replace(doc, source=SourceRef("other.docx", "f" * 64, "9.9"))
    assert content_hash(doc) == content_hash(moved)
    assert content_hash(doc) != content_hash(meeting_rules(tenth="会议纪要由总经理签署。"))
    assert "第十条 会议纪要由主持人审核和签署。" in canonical_text(doc)
