"""Normalisation rules shared by the importers and the diff."""

from __future__ import annotations

from domain.normalize import cjk_punctuation, comparison_key, fix_glyphs, halfwidth_alnum


def test_mis_decoded_glyph_is_fixed() -> None:
    assert fix_glyphs("组织机构及岗位设臵") == "组织机构及岗位设置"


def test_fullwidth_digits_become_ascii() -> None:
    assert halfwidth_alnum("每月２８日ＰＤＣＡ") == "每月28日PDCA"


def test_ascii_punctuation_next_to_chinese_becomes_fullwidth() -> None:
    assert cjk_punctuation("直接上级:总经理,下属部门") == "直接上级：总经理，下属部门"


def test_ascii_punctuation_between_ascii_is_kept() -> None:
    assert cjk_punctuation("时间 10:30, ok") == "时间 10:30, ok"


def test_comparison_key_ignores_width_space_and_variants() -> None:
    assert comparison_key("设臵 （一） ２８日") == comparison_key("设置(一)28日")
    assert comparison_key("28日") != comparison_key("25日")
