"""Structure recovery on the real Chinese Word files of ../shared/corpus (styles, numbering, TOC)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.model import Document
from importers.pipeline import import_files

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


@pytest.fixture(scope="module")
def standard() -> Document:
    (document,) = import_files([CORPUS / "zh_std_psr_part1_draft.docx"]).documents
    return document


@pytest.fixture(scope="module")
def explanation() -> Document:
    (document,) = import_files([CORPUS / "zh_explain_part1.docx"]).documents
    return document


def test_styled_standard_is_one_document_titled_from_its_cover(standard: Document) -> None:
    assert standard.title == "核电厂定期安全评价 第1部分：通用要求"


def test_styled_standard_keeps_its_numbered_clauses_under_their_headings(standard: Document) -> None:
    clauses = {s.number: s for s in standard.walk() if s.number}
    assert [clauses[n].title for n in ("1", "2", "3", "4", "5", "6", "7")] == [
        "范围",
        "规范性引用文件",
        "术语和定义",
        "缩略语",
        "定期安全评价的策划和准备",
        "执行评价",
        "定期安全评价后工作",
    ]
    five = clauses["5"]
    assert clauses["5.1"] in five.children
    assert clauses["5.1.1"] in clauses["5.1"].children
    assert [c.number for c in clauses["5.1.1"].children][:3] == ["a)", "b)", "c)"]


def test_word_table_of_contents_is_not_in_the_outline(standard: Document) -> None:
    titles = ["".join(s.title.split()) for s in standard.walk()]
    assert "目次" not in titles
    assert not any("\t" in s.title for s in standard.walk())
    assert "前言" in titles


def test_automatic_chinese_numbering_gives_the_top_headings(explanation: Document) -> None:
    top = [(s.number, s.title) for s in explanation.sections]
    assert top[:4] == [
        ("一、", "任务来源及计划要求"),
        ("二、", "编制过程"),
        ("三、", "调研和分析工作的情况"),
        ("四、", "主要技术内容的说明"),
    ]
    assert [n for n, _ in top] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"]


def test_unstyled_docx_of_the_seed_gives_the_same_outline_as_the_text(tmp_path: Path) -> None:
    import docx  # python-docx: builds the fixture; the reader under test is our own

    seed = Path(__file__).resolve().parents[2] / "handbook" / "sources" / "marketing-handbook-2010.txt"
    word = docx.Document()
    for line in seed.read_text(encoding="utf-8").splitlines():
        if line.strip():
            word.add_paragraph(line)
    path = tmp_path / "seed.docx"
    word.save(str(path))

    def outline(paths: list[Path]) -> list[tuple[str, list[tuple[str, str, str]]]]:
        return [
            (d.title, [(s.number, s.title, s.anchor) for s in d.walk()])
            for d in import_files(paths).documents
        ]

    assert outline([path]) == outline([seed])


def test_doc_and_docx_twins_give_the_same_outline() -> None:
    """The .doc goes through LibreOffice (one call for both), the .docx is read directly."""
    names = ["zh_std_psr_part1_draft", "zh_explain_part1"]
    paths = [CORPUS / f"{name}.{ext}" for name in names for ext in ("doc", "docx")]
    documents = import_files(paths).documents
    outlines = [[(s.level, s.number, s.title, s.anchor) for s in d.walk()] for d in documents]
    assert len(outlines) == 4
    assert outlines[0] == outlines[1] and outlines[2] == outlines[3]
    assert [d.title for d in documents[::2]] == ["核电厂定期安全评价 第1部分：通用要求", "zh_explain_part1"]
