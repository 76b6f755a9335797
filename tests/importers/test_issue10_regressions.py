"""Regressions found on documents the importer had not met (issue 10)."""

from __future__ import annotations

from pathlib import Path

import docx

from domain.model import Document, SourceRef
from importers import readers
from importers.blocks import Block
from importers.headings import Ending, split_title
from importers.structure import recover, recover_documents
from importers.toc import REASON_TOC
from tests.importers.word_samples import convert_with_libreoffice

SOURCE = SourceRef("t.txt", "0" * 64)


def _recover(*lines: str) -> list[Document]:
    blocks = [Block(text, f"t.txt:{i}") for i, text in enumerate(lines, 1)]
    return recover(blocks, SOURCE).value


def test_clause_opening_with_the_document_is_not_split_into_a_title() -> None:
    # The other articles have titles, so articles "use titles"; 第十一条 still has none.
    (document,) = _recover(
        "营销中心考勤管理制度",
        "第一条 目的 为规范考勤管理，制定本制度。",
        "第二条 适用范围 本制度适用于营销中心全体员工。",
        "第三条 考勤方式 为规范出勤记录，员工上下班须打卡。",
        "第十一条本制度由营销中心负责解释，自发布之日起施行。",
    )
    last = document.sections[-1]
    assert (last.number, last.title) == ("第十一条", "")
    assert last.text == "本制度由营销中心负责解释，自发布之日起施行。"
    assert [s.title for s in document.sections[:2]] == ["目的", "适用范围"]


def test_in_a_document_whose_articles_have_titles_a_clause_opener_is_no_title() -> None:
    uses_titles = split_title("本制度由营销中心负责解释。", "条", Ending.LINE, False, system_uses_titles=True)
    assert (uses_titles.title, uses_titles.body) == ("", "本制度由营销中心负责解释。")
    titled = split_title(
        "考勤方式 为规范出勤记录，员工须打卡。", "条", Ending.LINE, False, system_uses_titles=True
    )
    assert (titled.title, titled.body) == ("考勤方式", "为规范出勤记录，员工须打卡。")


def _guide_docx(path: Path, title_paragraphs: list[str]) -> None:
    document = docx.Document()
    for text in title_paragraphs:
        document.add_paragraph(text, style="Title")
    for text in ("第一章 总则", "第一条 为规范访问控制，制定本部分。", "第二条 本部分适用于公司全体员工。"):
        document.add_paragraph(text)
    document.save(str(path))


def _documents(path: Path) -> list[Document]:
    ((_, outcome),) = list(readers.read_files([path]))
    assert not isinstance(outcome, Exception), outcome
    recovery = recover_documents(outcome.value, SourceRef(path.name, "0" * 64))
    return [r.value for r in recovery.documents]


def test_word_title_with_an_embedded_blank_line_is_one_title_of_one_document(tmp_path: Path) -> None:
    expected = "信息安全管理指南 第6部分：访问控制"
    soft_breaks = tmp_path / "soft.docx"
    _guide_docx(soft_breaks, ["信息安全管理指南\n\n第6部分：访问控制"])
    empty_between = tmp_path / "paragraphs.docx"
    _guide_docx(empty_between, ["信息安全管理指南", "", "第6部分：访问控制"])
    (as_doc,) = convert_with_libreoffice([soft_breaks], tmp_path / "doc")
    for path in (soft_breaks, empty_between, as_doc):
        documents = _documents(path)
        assert [d.title for d in documents] == [expected], path.name
        assert [s.number for s in documents[0].walk()] == ["第一章", "第一条", "第二条"], path.name


def test_a_table_of_contents_after_a_preamble_gives_each_chapter_once() -> None:
    blocks = [
        Block(text, f"t.txt:{i}")
        for i, text in enumerate(
            (
                "安全生产管理办法",
                "为保障安全生产，特制定本办法。",
                "目  录",
                "第一章 总则-------------第1页",
                "第二章 安全保障-------------第2页",
                "第一章 总则",
                "第一条 为了加强安全生产工作，制定本办法。",
                "第二章 安全保障",
                "第二条 各部门应当配备安全员。",
            ),
            1,
        )
    ]
    result = recover(blocks, SOURCE)
    (document,) = result.value
    chapters = [(s.number, s.title) for s in document.sections]
    assert chapters == [("第一章", "总则"), ("第二章", "安全保障")]
    toc_dropped = [d for d in result.dropped if d.reason == REASON_TOC]
    assert [d.source for d in toc_dropped] == ["t.txt:3", "t.txt:4", "t.txt:5"]
