"""Finding references in text: forms that Chinese regulations use, and words that only look like them."""

from __future__ import annotations

import pytest

from knowledge.mentions import Step, find_mentions


def spans(text: str) -> list[tuple[str, tuple[Step, ...], str, str]]:
    return [(m.text, m.steps, m.title, m.relative) for m in find_mentions(text)]


def test_scoped_article_paragraph_and_item() -> None:
    found = find_mentions("违反本办法第十三条第二款第（一）项规定的，从重处理。")
    assert [m.steps for m in found] == [(Step("article", 13), Step("paragraph", 2), Step("item", 1))]
    assert found[0].scoped and found[0].text == "第十三条第二款第（一）项"


def test_enumerations_share_the_scope_of_the_first_item() -> None:
    found = find_mentions("违反本条例第十八条第二款、第三款和第二十条规定")
    assert [m.steps for m in found] == [
        (Step("article", 18), Step("paragraph", 2)),
        (Step("article", 18), Step("paragraph", 3)),
        (Step("article", 20),),
    ]
    text = "违反本条例第十八条第二款、第三款和第二十条规定"
    assert [text[m.start : m.end] for m in found] == ["第十八条第二款", "第三款", "第二十条"]


def test_arabic_numbers_and_zhi_articles() -> None:
    assert [m.steps for m in find_mentions("依照第10条和第十条之一执行")] == [
        (Step("article", 10),),
        (Step("article", 10, 1),),
    ]


def test_another_document_by_title_with_and_without_clause() -> None:
    found = find_mentions("按《员工考勤管理制度》第八条办理，并遵守《保密制度》。")
    assert [(m.title, m.steps) for m in found] == [
        ("员工考勤管理制度", (Step("article", 8),)),
        ("保密制度", ()),
    ]
    assert found[0].text == "《员工考勤管理制度》第八条"


@pytest.mark.parametrize(
    ("text", "relative"),
    [("前款规定的人员", "previous-paragraph"), ("前两款所称", "previous-paragraph"),
     ("依照前条处理", "previous-article"), ("上一条所列", "previous-article"), ("下一条另有规定", "next-article")],
)
def test_relative_references(text: str, relative: str) -> None:
    assert [m.relative for m in find_mentions(text)] == [relative]


@pytest.mark.parametrize(
    "text",
    ["提前款项应在三日内退回", "第三方机构", "第一次会议", "每月第一周", "第2季度", "一条路", "目前款式较多", "上条幅"],
)
def test_words_that_only_look_like_references(text: str) -> None:
    assert find_mentions(text) == []
