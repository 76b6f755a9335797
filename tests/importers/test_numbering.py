"""Numbering systems of Chinese regulations: one test per pattern, and Chinese numerals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.model import SectionKind
from importers.numbering import (
    match_marker,
    normalized_number,
    parse_chinese_numeral,
    to_chinese_numeral,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十三", 23),
        ("一百零五", 105),
        ("两", 2),
        ("一千零一", 1001),
    ],
)
def test_chinese_numerals_are_parsed(text: str, value: int) -> None:
    assert parse_chinese_numeral(text) == value


def test_text_that_is_not_a_numeral_is_refused() -> None:
    assert parse_chinese_numeral("总则") is None
    assert parse_chinese_numeral("") is None


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_numerals_round_trip(value: int) -> None:
    assert parse_chinese_numeral(to_chinese_numeral(value)) == value


def test_ten_to_nineteen_are_written_without_a_leading_one() -> None:
    assert to_chinese_numeral(10) == "十"
    assert to_chinese_numeral(15) == "十五"
    assert to_chinese_numeral(110) == "一百一十"


def _marker(text: str):  # type: ignore[no-untyped-def]
    marker = match_marker(text, 0)
    assert marker is not None, text
    return marker


def test_part_in_chinese_numerals() -> None:
    marker = _marker("第一编 总则")
    assert (marker.system.key, marker.values, marker.system.kind) == ("编", (1,), SectionKind.PART)


def test_part_named_bufen() -> None:
    marker = _marker("第三部分营销管理中心制度汇编")
    assert (marker.system.key, marker.value, marker.printed) == ("部分", 3, "第三部分")


def test_chapter_in_chinese_numerals() -> None:
    marker = _marker("第十二章附则")
    assert (marker.system.kind, marker.value) == (SectionKind.CHAPTER, 12)


def test_chapter_in_arabic_numerals() -> None:
    marker = _marker("第2章计划管理")
    assert (marker.system.key, marker.value, marker.printed) == ("章", 2, "第2章")
    assert normalized_number(marker) == "第二章"


def test_section_jie() -> None:
    assert _marker("第一节 日常行为规范").system.kind is SectionKind.SECTION


def test_article_in_chinese_and_arabic_numerals_normalise_alike() -> None:
    assert (
        normalized_number(_marker("第10条 本制度")) == normalized_number(_marker("第十条本制度")) == "第十条"
    )


def test_inserted_article_zhiyi_keeps_its_suffix() -> None:
    marker = _marker("第十条之一 新增条款")
    assert marker.values == (10, 1)
    assert normalized_number(marker) == "第十条之一"


def test_chinese_numeral_with_dun() -> None:
    marker = _marker("二、部门职能")
    assert (marker.system.key, marker.value, marker.printed) == ("一、", 2, "二、")


@pytest.mark.parametrize("text", ["(三)市场营销战略定位", "（三）市场营销战略定位"])
def test_chinese_numeral_in_half_and_full_width_brackets(text: str) -> None:
    marker = _marker(text)
    assert (marker.system.key, marker.value) == ("（一）", 3)


def test_arabic_number_with_dot() -> None:
    marker = _marker("1.统一部署")
    assert (marker.system.key, marker.value) == ("1.", 1)


def test_arabic_number_with_dun_and_a_stray_space() -> None:
    marker = _marker("3 、具有团队精神")
    assert (marker.system.key, marker.value, marker.printed) == ("1、", 3, "3、")


@pytest.mark.parametrize("text", ["(2)案场内的布置", "（2）案场内的布置"])
def test_arabic_number_in_brackets(text: str) -> None:
    marker = _marker(text)
    assert (marker.system.key, marker.value) == ("（1）", 2)


def test_circled_number() -> None:
    marker = _marker("④ 信心")
    assert (marker.system.key, marker.value, marker.end) == ("①", 4, 2)


def test_latin_letter_with_bracket() -> None:
    marker = _marker("b) 第二项")
    assert (marker.system.key, marker.value) == ("a)", 2)


def test_two_level_decimal() -> None:
    marker = _marker("3.1企业的目标")
    assert (marker.system.key, marker.values) == ("1.1", (3, 1))
    assert normalized_number(marker) == "3-1"


def test_three_level_decimal() -> None:
    marker = _marker("1.2.3 细则")
    assert (marker.system.key, marker.values) == ("1.1.1", (1, 2, 3))


def test_a_year_or_a_version_is_not_a_number() -> None:
    assert match_marker("2010.07《世纪正扬》", 0) is None
    assert match_marker("第3页", 0) is None


def test_systems_are_ranked_by_convention() -> None:
    ranks = [
        _marker(t).system.rank
        for t in ("第一编", "第一章", "第一节", "第一条", "一、x", "（一）x", "1.x", "（1）x", "①x")
    ]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.parametrize(
    ("before", "after", "follows"),
    [
        ((3,), (4,), True),
        ((3,), (5,), False),
        ((1, 2), (1, 3), True),
        ((2, 3), (3, 1), True),
        ((10,), (10, 1), True),
        ((10, 1), (11,), True),
        ((10, 1), (10, 2), True),
        ((4,), (4,), False),
    ],
)
def test_which_number_follows_which(before: tuple[int, ...], after: tuple[int, ...], follows: bool) -> None:
    from importers.inline import is_next

    assert is_next(before, after) is follows


@pytest.mark.parametrize(
    ("text", "start", "plausible"),
    [
        ("违反本制度第五条规定的", 5, False),
        ("依照第三条处理", 2, False),
        ("《核安全法》第十六条明确规定", 6, False),
        ("管理第四条营销中心应", 2, True),
        ("管理手册2010.07", 6, False),
        ("标准GB/T 1.1—2020", 7, False),
        ("管理目标1.规范", 4, True),
    ],
)
def test_numbers_inside_a_line_that_are_references_or_dates(text: str, start: int, plausible: bool) -> None:
    from importers.inline import plausible_context

    marker = match_marker(text, start, allow_latin=False)
    assert marker is not None, text[start:]
    assert plausible_context(text, marker) is plausible
