"""Anchors and slugs: stable names for documents and their numbered nodes."""

from __future__ import annotations

from importers.anchors import slugify, unique_slugs


def test_slugs_keep_chinese_and_letters_and_drop_punctuation_and_spaces() -> None:
    assert slugify("营销中心管理制度（完整）") == "营销中心管理制度完整"


def test_repeated_titles_get_numbered_slugs_in_reading_order() -> None:
    slugs = unique_slugs(["会议制度", "会议制度", "考勤制度", "会议制度"])
    assert slugs == ["会议制度", "会议制度-2", "考勤制度", "会议制度-3"]
    assert len(set(slugs)) == len(slugs)
