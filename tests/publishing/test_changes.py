"""The 本版变更 page and the clause matching behind it, including renumbered articles."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from domain.diff import diff_documents, diff_releases
from domain.model import Document, Release, Section, SectionKind, SourceRef
from publishing.changes import render_changes

CN = "零一二三四五六七八"
TEXTS = (
    "为规范营销中心会议管理，特制定本制度。",
    "本制度适用于营销中心全体人员。",
    "会议由营销副总召集并主持。",
    "会议纪要由记录人整理，主持人审核和签署。",
    "本制度自发布之日起施行。",
)


def rules(texts: tuple[str, ...]) -> Document:
    """Articles numbered 第一条 … in order, as a revision would print them."""
    articles = tuple(
        Section(1, f"第{CN[i]}条", "", text, SectionKind.ARTICLE, f"第{CN[i]}条")
        for i, text in enumerate(texts, 1)
    )
    return Document("rules", "会议管理制度", "regulation", "", articles, SourceRef("a.txt", "0" * 64))


def releases(old: Document, new: Document) -> tuple[Release, Release]:
    return (
        Release("2026.1", "第一版", dt.date(2026, 1, 1), (old,)),
        Release("2026.2", "第二版", dt.date(2026, 7, 1), (new,)),
    )


def test_deleting_an_article_that_renumbers_the_rest_is_one_removal() -> None:
    result = diff_documents(rules(TEXTS), rules(TEXTS[:1] + TEXTS[2:]))
    assert [(c.change, c.anchor) for c in result.clauses] == [("removed", "第二条")]
    assert result.renumbered == (("第三条", "第二条"), ("第四条", "第三条"), ("第五条", "第四条"))


def test_inserting_an_article_that_renumbers_the_rest_is_one_addition() -> None:
    result = diff_documents(rules(TEXTS), rules((TEXTS[0], "会议分为例会和专题会议。", *TEXTS[1:])))
    assert [(c.change, c.anchor) for c in result.clauses] == [("added", "第二条")]
    assert len(result.renumbered) == 4


def test_renumbered_and_edited_article_is_one_change_citing_its_old_number() -> None:
    edited = (TEXTS[0], TEXTS[2], "会议纪要由记录人整理，主持人审核和签署，并于会后三日内分发。", TEXTS[4])
    result = diff_documents(rules(TEXTS), rules(edited))
    kinds = [(c.change, c.anchor, c.label) for c in result.clauses]
    assert kinds == [("removed", "第二条", "第二条"), ("changed", "第三条", "第三条（原第四条）")]


def test_rewritten_article_at_the_same_number_is_still_a_change() -> None:
    rewritten = (*TEXTS[:2], "由总经理决定会议的召集人。", *TEXTS[3:])
    result = diff_documents(rules(TEXTS), rules(rewritten))
    assert [(c.change, c.anchor) for c in result.clauses] == [("changed", "第三条")]
    assert result.renumbered == ()


def test_width_only_edit_is_editorial_not_a_change() -> None:
    widened = (TEXTS[0].replace("，", ", "), *TEXTS[1:])
    result = diff_documents(rules(TEXTS), rules(widened))
    assert (result.clauses, result.editorial_changes, result.is_substantive) == ((), 1, False)


def test_changes_page_escapes_clause_text_and_marks_it_inline() -> None:
    old, new = releases(rules(TEXTS), rules((*TEXTS[:3], "会议纪要<script>由**主持人**签署。", TEXTS[4])))
    text = render_changes(diff_releases(old, new), new, old)
    [line] = [line for line in text.splitlines() if line.startswith("- **修改**")]
    assert "<script>" not in line and "&lt;script&gt;" in line
    assert '<ins class="diff">' in line and '<del class="diff">' in line
    assert '<ins class="diff">\\*\\*</ins>主持人' in line  # the stars stay stars


def test_changes_page_reports_renumbering_so_old_links_are_not_trusted() -> None:
    old, new = releases(rules(TEXTS), rules(TEXTS[:1] + TEXTS[2:]))
    text = render_changes(diff_releases(old, new), new, old)
    assert "- **删除** 第二条：" in text
    assert "仅编号调整" in text and "第三条 → 第二条" in text


def test_unchanged_release_says_so() -> None:
    old, new = releases(rules(TEXTS), replace(rules(TEXTS)))
    text = render_changes(diff_releases(old, new), new, old)
    assert "本版没有实质性变更" in text
