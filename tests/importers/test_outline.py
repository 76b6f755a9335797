"""Building one document's outline: numbers at the start of lines and inside them become a tree."""

from __future__ import annotations

from importers.blocks import Block
from importers.outline import Outline, build_outline, split_titles


def _outline(*lines: str) -> Outline:
    outline = build_outline([Block(text, f"a.txt:{i}") for i, text in enumerate(lines, 1)])
    split_titles(outline, {})
    return outline


def _tree(outline: Outline) -> list[tuple[str, str | None]]:
    """(number, parent's number) for every node, in reading order."""
    return [(n.number, n.parent.number if n.parent else None) for n in outline.nodes()]


def test_articles_live_in_their_chapters() -> None:
    outline = _outline(
        "第一章 总则",
        "第一条 为了规范管理，制定本制度。",
        "第二条 本制度适用于全体员工。",
        "第二章 考勤",
        "第三条 员工应按时上班。",
    )
    assert _tree(outline) == [
        ("第一章", None),
        ("第一条", "第一章"),
        ("第二条", "第一章"),
        ("第二章", None),
        ("第三条", "第二章"),
    ]
    assert [(n.title, n.body) for n in outline.nodes()][:2] == [
        ("总则", ""),
        ("", "为了规范管理，制定本制度。"),
    ]
    assert outline.warnings == []


def test_numbers_expected_inside_a_line_open_nodes() -> None:
    outline = _outline("一、职责：1、制定计划；2、执行计划。")
    assert _tree(outline) == [("一、", None), ("1、", "一、"), ("2、", "一、")]
    assert [n.body for n in outline.nodes()] == ["", "制定计划；", "执行计划。"]


def test_the_document_decides_which_list_system_is_inside_which() -> None:
    outline = _outline("1.总体要求", "（一）要求一", "（二）要求二", "2.具体要求", "（一）甲")
    assert _tree(outline) == [
        ("1.", None),
        ("（一）", "1."),
        ("（二）", "1."),
        ("2.", None),
        ("（一）", "2."),
    ]


def test_a_cited_article_inside_a_line_opens_nothing() -> None:
    outline = _outline("第五条 依照第六条规定执行。")
    assert _tree(outline) == [("第五条", None)]
    assert outline.nodes()[0].body == "依照第六条规定执行。"


def test_a_short_unpunctuated_line_before_text_is_an_unnumbered_heading() -> None:
    (heading,) = _outline("总则", "本制度适用于全体员工。").nodes()
    assert (heading.number, heading.title, heading.body) == ("", "总则", "本制度适用于全体员工。")


def test_text_before_the_first_number_is_preamble() -> None:
    outline = _outline("说明文字。", "一、甲")
    assert outline.preamble == ["说明文字。"]


def test_a_gap_in_the_numbers_is_a_warning() -> None:
    assert _outline("一、甲", "三、丙").warnings == ["编号不连续：「一、」之后是「三、」。"]


def test_a_repeated_number_is_a_warning() -> None:
    warnings = _outline("一、甲", "二、乙", "二、丙").warnings
    assert any(w.startswith("编号重复") and "二、" in w for w in warnings)


def test_a_list_that_does_not_start_at_one_is_a_warning() -> None:
    assert _outline("三、丙").warnings == ["编号不从头开始：第一个编号是「三、」。"]
