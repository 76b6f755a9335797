"""Highlighting on the stored text, without re-analysing it: plain text and marked ranges."""

from __future__ import annotations

from search.highlight import Highlight, highlight, terms_pattern


def test_longest_term_wins_and_markup_stays_plain_text() -> None:
    pattern = terms_pattern(["会议", "会议纪要"])
    assert highlight("<b>会议纪要</b>由会议主持人签署", pattern).segments() == (
        ("<b>", False),
        ("会议纪要", True),
        ("</b>由", False),
        ("会议", True),
        ("主持人签署", False),
    )


def test_full_width_and_capital_letters_match_folded_terms() -> None:
    assert highlight("组织ＰＤＣＡ循环", terms_pattern(["pdca"])) == Highlight("组织ＰＤＣＡ循环", ((2, 6),))


def test_long_text_is_cut_to_a_window_around_the_first_match() -> None:
    text = "甲" * 300 + "回款" + "乙" * 300
    out = highlight(text, terms_pattern(["回款"]), limit=100)
    assert out.text.startswith("…") and out.text.endswith("…")
    assert out.marked() == ("回款",)
    assert len(out.text) == 102


def test_a_match_cut_by_the_window_is_not_marked() -> None:
    text = "回款" + "甲" * 300 + "回款"
    out = highlight(text, terms_pattern(["回款"]), limit=100)
    assert out.marked() == ("回款",) and out.marks == ((0, 2),)
    assert out.text.endswith("…")


def test_no_terms_gives_the_plain_text() -> None:
    assert highlight("a<b", None) == Highlight("a<b", ())


def test_spaces_are_collapsed() -> None:
    assert highlight("甲  乙\n丙", None).text == "甲 乙 丙"


def test_touching_matches_are_one_mark() -> None:
    assert highlight("制订下月目标", terms_pattern(["下月", "目标"])).segments() == (
        ("制订", False),
        ("下月目标", True),
    )


def test_segments_cut_the_text_at_the_marks_without_empty_pieces() -> None:
    assert Highlight("回款与回款", ((0, 2), (3, 5))).segments() == (("回款", True), ("与", False), ("回款", True))
    assert Highlight("", ()).segments() == ()
