"""Regulations that share a title get a 之一/之二 mark in handbook order; unique titles get none."""

from __future__ import annotations

from portal.reading.titles import same_title_marks

ROWS = [
    (1, "营销中心目标管理制度", "营销中心目标管理制度"),
    (14, "营销中心管理制度", "营销中心管理制度"),
    (15, "营销中心管理制度-2", "营销中心管理制度"),
    (16, "营销中心管理制度-3", "营销中心管理制度"),
]


def test_shared_titles_are_numbered_in_handbook_order_by_id_and_by_slug() -> None:
    marks = same_title_marks(ROWS)
    assert [marks.get(i).text for i in (14, 15, 16)] == ["之一", "之二", "之三"]  # type: ignore[union-attr]
    assert marks.get("营销中心管理制度-3") == marks.get(16)
    assert marks.name("营销中心管理制度", 15) == "营销中心管理制度（之二）"
    assert "3 份同名制度" in marks.get(15).hint  # type: ignore[union-attr]


def test_a_unique_title_is_shown_as_it_is() -> None:
    marks = same_title_marks(ROWS)
    assert marks.get(1) is None and marks.get("营销中心目标管理制度") is None
    assert marks.name("营销中心目标管理制度", 1) == "营销中心目标管理制度"
    assert marks.get(None) is None and marks.get(999) is None
