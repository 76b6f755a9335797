"""The real Word files of ../shared/corpus: Chinese .doc/.docx twins, old formats, bad files."""

from __future__ import annotations

import dataclasses
import difflib
import unicodedata
import zipfile
from pathlib import Path
from xml.etree.ElementTree import fromstring

import pytest

from domain.errors import ImportFailed
from importers.blocks import Block
from importers.readers import read_files
from importers.results import Result
from importers.wordbin import default_options
from importers.wordml import child_int, w
from tests.importers.word_samples import CORPUS, counting_soffice

pytestmark = pytest.mark.slow

TWINS = ("zh_std_psr_part1_draft", "zh_explain_part1")
BAD_FILES = {
    "poi_PasswordProtected.doc": "加密",
    "poi_bug53475-password-is-pass.docx": "加密",
    "poi_clusterfuzz-testcase-minimized-POIHWPFFuzzer-5074346559012864.doc": "损坏",
    "poi_truncated62886.docx": "损坏",
}
# Whether the twins read the same, as a ratio of matching characters (1.0 = identical).
MIN_TWIN_SIMILARITY = 0.99


@pytest.fixture(scope="module")
def corpus_listing() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir())


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The readers' temporary directory for the corpus batch: empty again once they are done."""
    return tmp_path_factory.mktemp("scratch")


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory, corpus_listing: list[str], scratch: Path
) -> tuple[dict[str, object], int]:
    """Every corpus file read in one batch (all .doc files in one soffice call)."""
    wrapper, log = counting_soffice(tmp_path_factory.mktemp("wrapper"))
    paths = [CORPUS / name for name in corpus_listing if name.endswith((".doc", ".docx"))]
    options = dataclasses.replace(default_options(), soffice=wrapper, scratch_dir=scratch)
    outcomes = read_files(paths, doc_options=options)
    calls = len(log.read_text(encoding="utf-8").splitlines())
    return {path.name: outcome for path, outcome in outcomes}, calls


def _result(corpus: tuple[dict[str, object], int], name: str) -> Result[list[Block]]:
    outcome = corpus[0][name]
    assert isinstance(outcome, Result), outcome
    return outcome


def normalised_paragraphs(blocks: list[Block]) -> list[str]:
    """Number + text per paragraph (table cells one by one), width-folded, without whitespace."""
    texts: list[str] = []
    for block in blocks:
        pieces = [cell for row in block.table for cell in row] if block.table else [block.number + block.text]
        texts.extend("".join(unicodedata.normalize("NFKC", piece).split()) for piece in pieces)
    return [text for text in texts if text]


def similarity(left: list[str], right: list[str]) -> float:
    return difflib.SequenceMatcher(None, "\n".join(left), "\n".join(right), autojunk=False).ratio()


def numbered_paragraph_count(docx_path: Path) -> int:
    """Paragraphs with direct numbering (numPr, numId ≠ 0), counted straight from document.xml."""
    with zipfile.ZipFile(docx_path) as package:
        body = fromstring(package.read("word/document.xml"))
    return sum(
        1
        for p in body.iter(w("p"))
        if (num_pr := p.find(f"{w('pPr')}/{w('numPr')}")) is not None and child_int(num_pr, "numId")
    )


def test_all_doc_files_of_the_corpus_are_converted_in_one_libreoffice_call(
    corpus: tuple[dict[str, object], int],
) -> None:
    assert corpus[1] == 1


@pytest.mark.parametrize("twin", TWINS)
def test_chinese_doc_and_docx_twins_give_the_same_text(
    corpus: tuple[dict[str, object], int], twin: str, record_property: pytest.RecordProperty
) -> None:
    from_doc = normalised_paragraphs(_result(corpus, f"{twin}.doc").value)
    from_docx = normalised_paragraphs(_result(corpus, f"{twin}.docx").value)
    ratio = similarity(from_doc, from_docx)
    record_property(f"{twin} similarity", ratio)
    print(f"{twin}: {len(from_doc)} / {len(from_docx)} paragraphs, similarity {ratio:.4f}")
    assert len(from_docx) > 50
    assert ratio >= MIN_TWIN_SIMILARITY


@pytest.mark.parametrize("twin", TWINS)
def test_chinese_twins_print_the_same_automatic_numbers(
    corpus: tuple[dict[str, object], int], twin: str
) -> None:
    def numbers(name: str) -> list[tuple[str, str]]:
        return [(b.number, b.text.strip()) for b in _result(corpus, name).value if b.number]

    assert numbers(f"{twin}.doc") == numbers(f"{twin}.docx")
    assert numbers(f"{twin}.docx")


@pytest.mark.parametrize("extension", [".docx", ".doc"])
def test_auto_numbered_paragraphs_of_zh_explain_get_their_numbers(
    corpus: tuple[dict[str, object], int], extension: str
) -> None:
    blocks = [b for b in _result(corpus, f"zh_explain_part1{extension}").value if b.table is None]
    numbered = [b for b in blocks if b.number]
    assert len(numbered) == numbered_paragraph_count(CORPUS / "zh_explain_part1.docx")
    first = next(b for b in blocks if b.text.strip() == "任务来源及计划要求")
    assert first.number == "一、"
    typed = next(b for b in blocks if "编制过程" in b.text)
    assert typed.number == "" and typed.text.startswith("二、")  # typed by hand, not automatic
    items = [b.number for b in numbered if b.number.endswith("）")]
    assert items == [f"{n}）" for n in range(1, len(items) + 1)]


@pytest.mark.parametrize("extension", [".docx", ".doc"])
def test_custom_chapter_and_clause_styles_of_the_standard_carry_levels_and_numbers(
    corpus: tuple[dict[str, object], int], extension: str
) -> None:
    blocks = _result(corpus, f"zh_std_psr_part1_draft{extension}").value
    chapters = [b for b in blocks if b.style == "章标题"]
    clauses = [b for b in blocks if b.style == "一级条标题"]
    assert [b.number for b in chapters] == [str(n) for n in range(1, len(chapters) + 1)]
    assert {b.outline_level for b in chapters} == {2}  # w:outlineLvl 1 in the style
    assert clauses and {b.outline_level for b in clauses} == {3}
    numbered = [b for b in clauses if b.number]
    assert {b.number.split(".")[0] for b in numbered} <= {b.number for b in chapters}
    # A few clauses switch numbering off (numId 0) and type their number: 6.1.2差异项分析及处置.
    typed = [b for b in clauses if not b.number and b.text.strip()]
    assert typed and all(b.text.strip()[0].isdigit() for b in typed)


@pytest.mark.parametrize(("name", "reason"), sorted(BAD_FILES.items()))
def test_bad_files_fail_with_a_clear_message_and_write_nothing(
    corpus: tuple[dict[str, object], int], corpus_listing: list[str], scratch: Path, name: str, reason: str
) -> None:
    outcome = corpus[0][name]
    assert isinstance(outcome, ImportFailed)
    assert name in outcome.user_message
    assert reason in outcome.user_message
    assert name in str(outcome)
    assert sorted(p.name for p in CORPUS.iterdir()) == corpus_listing
    assert not list(scratch.iterdir())


def test_good_files_of_the_batch_import_despite_the_bad_ones(corpus: tuple[dict[str, object], int]) -> None:
    good = {name for name, outcome in corpus[0].items() if isinstance(outcome, Result)}
    assert good == set(corpus[0]) - set(BAD_FILES)
    assert all(_result(corpus, name).value for name in good)


def test_a_word6_file_reads_through_libreoffice(corpus: tuple[dict[str, object], int]) -> None:
    texts = [b.text for b in _result(corpus, "poi_Word6.doc").value]
    assert any("quick brown fox" in text for text in texts)


def test_merged_cells_of_a_real_doc_table_appear_once(corpus: tuple[dict[str, object], int]) -> None:
    tables = [b.table for b in _result(corpus, "poi_table-merges.doc").value if b.table is not None]
    assert len(tables) == 1
    cells = [cell for row in tables[0] for cell in row if cell]
    assert len(cells) == len(set(cells))
    assert len({len(row) for row in tables[0]}) == 1  # a rectangular grid


def test_lists_of_a_real_doc_are_numbered(corpus: tuple[dict[str, object], int]) -> None:
    blocks = _result(corpus, "poi_Lists.doc").value
    numbered = {b.text: b.number for b in blocks if b.number}
    assert numbered["Ordered list 1"] == "1."
    assert numbered["OL 2.2.2.1"] == "2.2.2.1."


def test_heading_styles_of_a_real_docx_give_levels_one_to_three(
    corpus: tuple[dict[str, object], int],
) -> None:
    blocks = _result(corpus, "poi_heading123.docx").value
    assert [b.outline_level for b in blocks if b.outline_level] == [1, 2, 3]
