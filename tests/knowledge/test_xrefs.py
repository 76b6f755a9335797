"""Resolving references: the labelled public set (precision and recall), and the rules on typed documents."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from domain.model import ClauseRef, Document, Section, SectionKind, SourceRef
from importers.pipeline import import_files
from knowledge.xrefs import broken_by_revision, cross_references

PUBLIC = Path(__file__).parents[1] / "importers" / "gold" / "public"
GOLD = yaml.safe_load((Path(__file__).parent / "gold" / "xrefs_public.yaml").read_text(encoding="utf-8"))


def article(number: str, text: str, *children: Section, level: int = 2) -> Section:
    return Section(level, number, "", text, SectionKind.ARTICLE, number, children)


def item(parent: str, number: str, bare: str, text: str) -> Section:
    return Section(3, number, "", text, SectionKind.ITEM, f"{parent}-{bare}")


def chapter(number: str, title: str, *children: Section) -> Section:
    return Section(1, number, title, "", SectionKind.CHAPTER, number, children)


def document(slug: str, title: str, *sections: Section, preamble: str = "") -> Document:
    return Document(slug, title, "regulation", preamble, sections, SourceRef(f"{slug}.txt", "0" * 64))


def test_labelled_public_regulations_precision_and_recall() -> None:
    expected: set[tuple[str, str, str, str]] = set()
    found: set[tuple[str, str, str, str]] = set()
    for name, refs in GOLD.items():
        expected |= {(name, r["at"], r["text"], r["to"]) for r in refs}
        documents = import_files([PUBLIC / name]).documents
        for ref in cross_references(documents).references:
            to = ref.target.anchor if ref.target is not None else ref.status
            found.add((name, ref.source.anchor, ref.text, to))
    right = expected & found
    precision, recall = len(right) / len(found), len(right) / len(expected)
    print(f"\ncross-references on the public set: precision {precision:.3f}, recall {recall:.3f} "
          f"({len(right)} right of {len(found)} found, {len(expected)} expected)")
    assert sorted(found - expected) == [] and sorted(expected - found) == []
    assert len(expected) == 26


@pytest.fixture
def attendance() -> Document:
    return document(
        "attendance",
        "员工考勤管理制度",
        chapter(
            "第一章", "总则",
            article("第一条", "为规范考勤，制定本制度。"),
            article("第二条", "迟到按本制度第八条处理；请假按《休假管理办法》第三条办理。"),
        ),
        chapter(
            "第二章", "迟到与旷工",
            article("第八条", "迟到三次按旷工一天处理。", item("第八条", "（一）", "一", "迟到十分钟以内的；"),
                    item("第八条", "（二）", "二", "迟到十分钟以上的。")),
            article("第九条", "有前条第（二）项情形的，扣发当日工资。前款所称工资为基本工资。"),
            article("第十条", "违反上一条规定的，依照第十五条处理；下一条另有规定的除外。"),
        ),
        preamble="本制度依据《劳动合同法》和休假管理办法制定。",
    )


@pytest.fixture
def leave() -> Document:
    return document(
        "leave", "休假管理办法",
        article("第一条", "员工休假依照本办法。"),
        article("第三条", "请假须提前一天提出；迟到的处理见员工考勤管理制度第八条。"),
    )


def resolved(documents: list[Document]) -> dict[tuple[str, str, str], ClauseRef | None]:
    return {(r.source.document_slug, r.source.anchor, r.text): r.target for r in cross_references(documents).references}


def test_same_document_other_document_relative_and_item(attendance: Document, leave: Document) -> None:
    refs = resolved([attendance, leave])
    assert refs[("attendance", "第二条", "第八条")] == ClauseRef("attendance", "第八条")
    assert refs[("attendance", "第二条", "《休假管理办法》第三条")] == ClauseRef("leave", "第三条")
    assert refs[("attendance", "第十条", "第十五条")] is None
    assert refs[("attendance", "第十条", "上一条")] == ClauseRef("attendance", "第九条")
    # A title written without 《》 when it names exactly one document, and the preamble's references.
    assert refs[("leave", "第三条", "员工考勤管理制度第八条")] == ClauseRef("attendance", "第八条")
    assert refs[("attendance", "", "休假管理办法")] == ClauseRef("leave")
    # 前款 inside 第九条 names 第九条 itself: no link to oneself.
    assert ("attendance", "第九条", "前款") not in refs


def test_an_item_of_the_previous_article(attendance: Document) -> None:
    refs = resolved([attendance])
    assert refs[("attendance", "第九条", "前条第（二）项")] == ClauseRef("attendance", "第八条-二")


def test_what_cannot_be_resolved_says_why(attendance: Document) -> None:
    xrefs = cross_references([attendance])
    reasons = {r.text: (r.status, r.reason) for r in xrefs.references if r.status != "resolved"}
    assert reasons["第十五条"] == ("unresolved", "本文件没有第十五条")
    assert reasons["下一条"] == ("unresolved", "本文件没有下一条")
    assert reasons["《休假管理办法》第三条"][0] == "external"  # not in this set of documents
    assert reasons["《劳动合同法》"] == ("external", "《劳动合同法》不在本手册中")


def test_two_documents_with_one_title_are_not_guessed(attendance: Document, leave: Document) -> None:
    twin = document("leave-2", "休假管理办法", article("第三条", "另一份同名文件。"))
    refs = {r.text: r for r in cross_references([attendance, leave, twin]).references}
    assert refs["《休假管理办法》第三条"].status == "unresolved"
    assert "有 2 个文件名为《休假管理办法》" in refs["《休假管理办法》第三条"].reason
    assert "休假管理办法" not in refs  # the unbracketed title is ambiguous too: not a reference at all


def test_sections_are_searched_in_the_chapter_being_read() -> None:
    doc = document(
        "sections", "销售管理制度",
        Section(1, "第一章", "总则", "", SectionKind.CHAPTER, "第一章", (
            Section(2, "第一节", "目的", "详见第二节。", SectionKind.SECTION, "第一章第一节"),
            Section(2, "第二节", "范围", "", SectionKind.SECTION, "第一章第二节"),
        )),
        Section(1, "第二章", "附则", "", SectionKind.CHAPTER, "第二章", (
            Section(2, "第二节", "解释", "由销售部解释，参见第一章第二节。", SectionKind.SECTION, "第二章第二节"),
        )),
    )
    refs = resolved([doc])
    assert refs[("sections", "第一章第一节", "第二节")] == ClauseRef("sections", "第一章第二节")
    assert refs[("sections", "第二章第二节", "第一章第二节")] == ClauseRef("sections", "第一章第二节")


def test_cited_by_lists_every_citing_clause(attendance: Document, leave: Document) -> None:
    xrefs = cross_references([attendance, leave])
    sources = {r.source for r in xrefs.cited_by(ClauseRef("attendance", "第八条"))}
    assert sources == {ClauseRef("attendance", "第二条"), ClauseRef("leave", "第三条")}
    assert [r.source for r in xrefs.cited_by(ClauseRef("attendance", "第八条-二"))] == [ClauseRef("attendance", "第九条")]


def test_a_revision_that_removes_or_renumbers_a_cited_clause_is_reported(attendance: Document, leave: Document) -> None:
    # 第八条 becomes 第七条 (renumbered): 第二条's 第八条 now leads nowhere; leave's reference breaks too.
    renumbered = Section(2, "第七条", "", "迟到三次按旷工一天处理。", SectionKind.ARTICLE, "第七条")
    chapters = list(attendance.sections)
    chapters[1] = Section(1, "第二章", "迟到与旷工", "", SectionKind.CHAPTER, "第二章",
                          (renumbered, *chapters[1].children[1:]))
    revised = Document(attendance.slug, attendance.title, attendance.kind, attendance.preamble, tuple(chapters),
                       attendance.source)
    broken = broken_by_revision([attendance, leave], [revised, leave])
    where = sorted((b.reference.source.document_slug, b.reference.source.anchor, b.reference.text) for b in broken)
    assert where == [("attendance", "第九条", "前条第（二）项"), ("attendance", "第二条", "第八条"),
                     ("leave", "第三条", "员工考勤管理制度第八条")]
    assert all("已无法解析" in b.message for b in broken)
    assert broken_by_revision([attendance, leave], [attendance, leave]) == []
