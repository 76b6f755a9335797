"""The search page's bridge and template: errors by class, highlights turned into HTML in the template only."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, render_template_string

from portal.search_page import adapter
from portal.search_page.adapter import NO_INDEX, run_search
from search.highlight import Highlight
from search.index import IndexMissing

MACRO = '{% from "search_page/macros.html" import highlighted %}<p>{{ highlighted(h) }}</p>'


def test_the_template_escapes_every_piece_and_marks_the_matches(app: Flask) -> None:
    highlight = Highlight("<b>会议纪要</b>由会议主持人签署", ((3, 7), (12, 14)))
    with app.test_request_context():
        html = render_template_string(MACRO, h=highlight)
    assert html == "<p>&lt;b&gt;<mark>会议纪要</mark>&lt;/b&gt;由<mark>会议</mark>主持人签署</p>"


def test_a_highlight_without_marks_is_the_escaped_text(app: Flask) -> None:
    with app.test_request_context():
        assert render_template_string(MACRO, h=Highlight("a<b & c")) == "<p>a&lt;b &amp; c</p>"


def test_a_project_without_an_index_gets_the_index_message(tmp_path: Path) -> None:
    result = run_search("回款", tmp_path)
    assert result.message == NO_INDEX and result.hits == ()


def test_an_index_missing_error_is_caught_by_its_class(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NoSuchRelease(IndexMissing):
        """A subclass says the same: the index is not there."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise NoSuchRelease("no index for release 1999")

    monkeypatch.setattr(adapter, "search_hits", refuse)
    assert run_search("回款", tmp_path).message == NO_INDEX


def test_other_handbook_errors_show_their_own_chinese_message(tmp_path: Path) -> None:
    assert run_search("   ", tmp_path).message == "请输入要检索的词语。"
