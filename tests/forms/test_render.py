"""Filled and blank forms: read back with python-docx, and opened by LibreOffice as PDFs.

The PDF conversion runs once for the module (one ``soffice`` call for all
documents); each page of each PDF must carry its own 第 i 页 共 N 页 footer.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table

from domain.model import FormTemplate
from forms.declarations import ALL_FORMS, MINUTES, form_by_slug
from forms.display import BLANK_ROWS, show
from forms.render import render_blank, render_form
from forms.validation import validate

from .conftest import load_example

Example = Callable[[str], dict[str, Any]]
SIGNED = {"approved_by": "赵志强", "approved_on": "2026-11-28"}
# Page counts with the example values: every form fits one page, the annual plan two.
EXPECTED_PAGES = {"annual-marketing-plan": 2}


def filled(form: FormTemplate, raw: dict[str, Any] | None = None) -> bytes:
    values = raw if raw is not None else load_example(form.slug)
    return render_form(form, values, system=SIGNED if form is MINUTES else None)


def opened(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def all_text(document: DocxDocument) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def cells_of(row: Any) -> list[str]:
    """A row's cell texts, merged cells once."""
    seen: list[Any] = []
    texts = []
    for cell in row.cells:
        if cell._tc not in seen:
            seen.append(cell._tc)
            texts.append(cell.text.strip())
    return texts


def value_next_to(document: DocxDocument, label: str) -> str:
    """The text of the cell right of the label cell ``label`` in the form's grids."""
    for table in document.tables:
        for row in table.rows:
            texts = cells_of(row)
            for i, text in enumerate(texts[:-1]):
                if text == label:
                    return texts[i + 1]
    raise AssertionError(f"no label {label}")


def data_rows(table: Table) -> list[list[str]]:
    """Rows under the header, without a 合计 row."""
    return [cells_of(row) for row in table.rows[1:] if cells_of(row)[0] != "合计"]


def printed_rows(form: FormTemplate, values: dict[str, Any], table: str) -> Iterator[list[str]]:
    spec = next(s for s in form.fields if s.name == table)
    for row in values[table]:
        yield [str(show(c, row.get(c.name), in_table=True)) for c in spec.columns if row.get(c.name) is not None]


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_every_filled_value_is_printed(form: FormTemplate) -> None:
    document = opened(filled(form))
    text = all_text(document)
    values = validate(form, load_example(form.slug)).values
    assert "{{" not in text and "{%" not in text
    for spec in form.fields:
        value = values.get(spec.name)
        if spec.type == "table" or value in (None, ""):
            continue
        for line in str(show(spec, value)).split("\a"):
            assert line in text, f"{spec.name}: {line!r} not printed"


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_each_table_row_is_printed_once_in_its_own_table_row(form: FormTemplate) -> None:
    document = opened(filled(form))
    values = validate(form, load_example(form.slug)).values
    for spec in form.fields:
        if spec.type != "table" or not values[spec.name] or spec.name in ("attendees", "absentees"):
            continue
        expected = list(printed_rows(form, values, spec.name))
        tables = [t for t in document.tables if any(set(expected[0]) <= set(cells_of(r)) for r in t.rows)]
        assert len(tables) == 1, spec.name
        rows = data_rows(tables[0])
        assert len(rows) == len(expected), spec.name
        for row, cells in zip(rows, expected, strict=True):
            assert set(cells) <= set(row), (spec.name, cells, row)


def test_the_contract_prints_its_total_and_capitals_beside_their_labels() -> None:
    document = opened(filled(form_by_slug("sales-contract")))
    assert value_next_to(document, "总房款") == "¥1,234,176.00 元"
    assert value_next_to(document, "总房款大写") == "人民币壹佰贰拾叁万肆仟壹佰柒拾陆元整"
    assert value_next_to(document, "建筑面积") == "128.56 平方米"
    assert value_next_to(document, "客户姓名") == "张伟、刘静"
    assert "档案编号：KH-2026-0158" in all_text(document)


def test_the_monthly_plan_prints_the_achievement_rates() -> None:
    document = opened(filled(form_by_slug("monthly-goal-plan")))
    table = next(t for t in document.tables if "达成率（%）" in cells_of(t.rows[0]))
    assert [row[5] for row in data_rows(table)] == ["92", "104", "82.5"]


def test_the_annual_plan_prints_department_totals_in_the_total_row() -> None:
    document = opened(filled(form_by_slug("annual-marketing-plan")))
    totals = [cells_of(r) for t in document.tables for r in t.rows if cells_of(r)[0] == "合计"]
    assert ["合计", "", "28,000.00", "25,500.00", "4,150.50", ""] in totals
    assert document.paragraphs[0].text == "2027年度营销计划"


def test_the_minutes_print_the_people_and_the_chairs_signature() -> None:
    document = opened(filled(MINUTES))
    assert value_next_to(document, "参会人员") == "赵志强、王建国、李晓梅、陈立、周敏"
    assert value_next_to(document, "缺席人员") == "孙浩（外出拜访客户）"
    assert "主持人审核签署：赵志强" in all_text(document)
    assert "签署日期：2026年11月28日" in all_text(document)


def test_unsigned_minutes_leave_the_signature_blank() -> None:
    document = opened(render_form(MINUTES, load_example(MINUTES.slug)))
    assert "主持人审核签署：\u3000" in all_text(document)


def test_html_and_xml_specials_are_printed_as_typed(example: Example) -> None:
    raw = example(MINUTES.slug) | {"discussion": "<script>alert('x')</script> & <w:p/> \"引号\"\n第二段"}
    data = filled(MINUTES, raw)
    text = all_text(opened(data))
    assert "<script>alert('x')</script> & <w:p/> \"引号\"" in text and "第二段" in text
    xml = opened(data).element.xml
    assert "&lt;script&gt;" in xml and "<script>" not in xml


@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_a_blank_form_has_empty_rows_to_fill_by_hand(form: FormTemplate) -> None:
    document = opened(render_blank(form))
    text = all_text(document)
    assert "{{" not in text and "{%" not in text
    for spec in form.fields:
        if spec.type != "table" or spec.name in ("attendees", "absentees"):
            continue
        header = next(t for t in document.tables if "序号" in cells_of(t.rows[0]) or "期次" in cells_of(t.rows[0]))
        assert header is not None
    row_counts = [len(data_rows(t)) for t in document.tables if cells_of(t.rows[0])[0] in ("序号", "期次")]
    assert row_counts and all(count >= BLANK_ROWS for count in row_counts)


def test_the_blank_annual_plan_names_the_four_quarters() -> None:
    text = all_text(opened(render_blank(form_by_slug("annual-marketing-plan"))))
    for quarter in ("第一季度", "第二季度", "第三季度", "第四季度"):
        assert quarter in text


# --- LibreOffice --------------------------------------------------------------------------------------


def long_minutes() -> dict[str, Any]:
    raw = load_example(MINUTES.slug)
    raw["decisions"] = [{"item": f"第{i}项决议：落实整改措施并书面汇报", "owner": "王建国", "deadline": "2026-12-20"} for i in range(1, 46)]
    return raw


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every form filled and blank, plus long minutes, converted to PDF in one soffice call."""
    directory = tmp_path_factory.mktemp("forms-pdf")
    documents = {f"filled-{f.slug}": filled(f) for f in ALL_FORMS}
    documents |= {f"blank-{f.slug}": render_blank(f) for f in ALL_FORMS}
    documents["long-minutes"] = filled(MINUTES, long_minutes())
    for name, data in documents.items():
        (directory / f"{name}.docx").write_bytes(data)
    profile = (directory / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(directory),
         *sorted(str(p) for p in directory.glob("*.docx"))],
        check=True, capture_output=True, timeout=240,
    )
    return {name: directory / f"{name}.pdf" for name in documents}


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match
    return int(match.group(1))


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["filled", "blank"])
@pytest.mark.parametrize("form", ALL_FORMS, ids=lambda f: f.slug)
def test_libreoffice_opens_the_form_with_the_expected_pages(pdfs: dict[str, Path], form: FormTemplate, kind: str) -> None:
    pdf = pdfs[f"{kind}-{form.slug}"]
    assert pdf.exists(), "LibreOffice could not load the document"
    pages = page_count(pdf)
    assert pages == EXPECTED_PAGES.get(form.slug, 1)
    for page in range(1, pages + 1):
        text = page_text(pdf, page)
        assert re.search(rf"第\s*{page}\s*页\s*共\s*{pages}\s*页", text), f"footer of page {page}"
        assert "营销管理中心" in text
    assert form.title in page_text(pdf, 1).replace(" ", "") or form.slug == "annual-marketing-plan"


@pytest.mark.slow
def test_the_filled_contract_pdf_shows_the_amount_in_capitals(pdfs: dict[str, Path]) -> None:
    text = page_text(pdfs["filled-sales-contract"], 1).replace(" ", "")
    assert "人民币壹佰贰拾叁万肆仟壹佰柒拾陆元整" in text
    assert "¥1,234,176.00元" in text


@pytest.mark.slow
def test_long_minutes_run_over_pages_and_repeat_the_table_header(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["long-minutes"]
    pages = page_count(pdf)
    assert pages >= 2
    texts = [page_text(pdf, page) for page in range(1, pages + 1)]
    compact = "".join(texts).replace(" ", "")
    for i in range(1, 46):
        assert compact.count(f"第{i}项决议") == 1, i
    for page, text in enumerate(texts[1:], start=2):
        if "项决议" in text:
            assert re.search(r"序号\s+决议事项\s+责任人\s+完成期限", text), f"header row on page {page}"
    assert "主持人审核签署" in texts[-1]
