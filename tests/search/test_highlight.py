"""Highlighting on the stored text, without re-analysing it."""

from __future__ import annotations

from search.highlight import highlight, terms_pattern


def test_longest_term_wins_and_markup_is_escaped() -> None:
    pattern = terms_pattern(["会议", "会议纪要"])
    assert highlight("<b>会议纪要</b>由会议主持人签署", pattern) == (
        "&lt;b&gt;<mark>会议纪要</mark>&lt;/b&gt;由<mark>会议</mark>主持人签署"
    )


def test_full_width_and_capital_letters_match_folded_terms() -> None:
    assert highlight("组织ＰＤＣＡ循环", terms_pattern(["pdca"])) == "组织<mark>ＰＤＣＡ</mark>循环"


def test_long_text_is_cut_to_a_window_around_the_first_match() -> None:
    text = "甲" * 300 + "回款" + "乙" * 300
    out = highlight(text, terms_pattern(["回款"]), limit=100)
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>回款</mark>" in out
    assert len(out.replace("<mark>", "").replace("</mark>", "")) == 102


def test_no_terms_gives_the_plain_escaped_text() -> None:
    assert highlight("a<b", None) == "a&lt;b"


def test_touching_matches_are_one_mark() -> None:
    assert highlight("制订下月目标", terms_pattern(["下月", "目标"])) == "制订<mark>下月目标</mark>"
