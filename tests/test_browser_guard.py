"""The browser tests' guard: which English words it refuses on a page."""

from __future__ import annotations

from tests.browser import english_words


def test_listed_english_ui_words_are_found_as_whole_words_only() -> None:
    assert english_words("Made with Material for MkDocs · Permanent link") == ["Made with", "Material for MkDocs", "Permanent link"]
    assert english_words("OVERDUE 逾期") == ["OVERDUE"]
    assert english_words("已逾期 · 版本 2026.1 · SHA-256 · Searchlight · HomeOffice") == []
