"""The building blocks of a form's page, shared by the five layouts in :mod:`forms.layouts`.

The layout is that of a Chinese company form: A4, 宋体 (黑体 for headings)
with Times New Roman for Latin text, a running header with the issuing
centre and the form number, a centred title, numbered sections (一、二、…)
in 黑体, bordered tables whose header row repeats on every page, signature
and date lines, and 第 X 页 共 Y 页 in the footer.

Placeholders are docxtpl's: ``{{ field }}`` (``{{ field or '＿＿' }}`` where a
blank form needs a line to write on) and, for repeating rows, a row
holding ``{%tr for row in table %}`` and one holding ``{%tr endfor %}``
around the row of ``{{ row.column }}`` cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TEMPLATES_DIR = Path(__file__).parent / "templates"
LATIN_FONT = "Times New Roman"
# East Asian fonts by their English names: Word knows SimSun as 宋体 and SimHei as 黑体, and fontconfig
# maps SimSun to a serif CJK face on Linux, where the Chinese names fall back to a sans face.
BODY_FONT = "SimSun"  # 宋体: running text
TABLE_FONT = "SimSun"  # 宋体: tables and labels
HEADING_FONT = "SimHei"  # 黑体: 一、二、 section headings and the title
ISSUER = "营销管理中心"
LABEL_SHADE = "E7E6E6"
TEXT_WIDTH_CM = 16.0  # A4 (21 cm) minus 2.6 cm + 2.4 cm margins


# --- page and styles -------------------------------------------------------------------------------------


def new_document(form_code: str) -> Document:
    """An empty A4 document with the house styles, header and page-number footer."""
    doc = new_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.6), Cm(2.4)
    section.header_distance, section.footer_distance = Cm(1.3), Cm(1.2)
    _style_fonts(doc)
    _header(doc, form_code)
    _footer(doc)
    # python-docx starts with one empty paragraph; the title replaces it.
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    return doc


def _set_run_fonts(
    rpr_owner: Any, east_asia: str, size: float | None = None, bold: bool | None = None
) -> None:
    """Latin and East Asian fonts on a style or a run: Word needs both names."""
    font = rpr_owner.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style_fonts(doc: Document) -> None:
    _document_defaults(doc)
    normal = doc.styles["Normal"]
    _set_run_fonts(normal, BODY_FONT, 12)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.25
    _set_run_fonts(doc.styles["Table Grid"], TABLE_FONT, 10.5)
    for name in ("Header", "Footer"):
        _set_run_fonts(doc.styles[name], TABLE_FONT, 9)


def _document_defaults(doc: Document) -> None:
    """Default run properties: our fonts and Simplified Chinese (python-docx's template says Japanese,
    which makes LibreOffice pick Japanese glyph variants)."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _field(paragraph: Paragraph, instruction: str) -> None:
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _header(doc: Document, form_code: str) -> None:
    paragraph = doc.sections[0].header.paragraphs[0]
    paragraph.text = ""
    paragraph.add_run(ISSUER)
    paragraph.add_run(f"\t表单编号：{form_code}")
    # The Header style's stops (centre, right at 16.5 cm) overshoot our text width: one right stop instead.
    tab_stops = doc.styles["Header"].paragraph_format.tab_stops
    tab_stops.clear_all()
    tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    _bottom_border(paragraph)


def _footer(doc: Document) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" 页  共 ")
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")


def _bottom_border(paragraph: Paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


# --- blocks ----------------------------------------------------------------------------------------------


def title(doc: Document, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.space_after = Pt(12)
    _set_run_fonts(paragraph.add_run(text), HEADING_FONT, 18, bold=True)


def right_note(doc: Document, text: str) -> None:
    """A right-aligned line under the title: numbers, confidentiality."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.paragraph_format.space_after = Pt(4)
    _set_run_fonts(paragraph.add_run(text), TABLE_FONT, 10.5)


def heading(doc: Document, text: str) -> None:
    """A numbered section heading (一、…) in 黑体; kept with what follows it."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(8)
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.paragraph_format.keep_with_next = True
    _set_run_fonts(paragraph.add_run(text), HEADING_FONT, 14)


def subheading(doc: Document, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.paragraph_format.keep_with_next = True
    _set_run_fonts(paragraph.add_run(text), BODY_FONT, 12, bold=True)


def body(doc: Document, placeholder: str) -> None:
    """Running text, first line indented by two characters (every line of a multi-line value)."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(24)
    _set_run_fonts(paragraph.add_run(placeholder), BODY_FONT, 12)


def note(doc: Document, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    run = paragraph.add_run(text)
    _set_run_fonts(run, TABLE_FONT, 9)
    run.font.color.rgb = RGBColor(0x40, 0x40, 0x40)


@dataclass(frozen=True)
class Cell:
    """One cell of a label/value grid: a label, or a value spanning ``span`` grid columns."""

    text: str
    label: bool = False
    span: int = 1


def label(text: str) -> Cell:
    return Cell(text, label=True)


def value(text: str, span: int = 1) -> Cell:
    return Cell(text, span=span)


def grid(
    doc: Document, rows: Sequence[Sequence[Cell]], widths: Sequence[float] = (2.8, 5.2, 2.8, 5.2)
) -> Table:
    """A bordered label/value table (the top of a company form): shaded bold labels."""
    table = _table(doc, len(rows), widths)
    for r, cells in enumerate(rows):
        column = 0
        for cell_spec in cells:
            cell = table.cell(r, column)
            if cell_spec.span > 1:
                cell = cell.merge(table.cell(r, column + cell_spec.span - 1))
            _write(cell, cell_spec.text, bold=cell_spec.label, center=cell_spec.label)
            if cell_spec.label:
                _shade(cell)
            column += cell_spec.span
        table.rows[r].height = Cm(0.8)
    return table


def repeating_table(
    doc: Document,
    table_name: str,
    headers: Sequence[str],
    cells: Sequence[str],
    widths: Sequence[float],
    total: Sequence[str] | None = None,
    right: Sequence[int] = (),
) -> Table:
    """Header row, then one row per item of ``table_name`` (docxtpl ``{%tr for %}``), then a totals row.

    ``cells`` are the placeholders of a row (``{{ row.amount }}``); ``total``
    the cells of an optional closing row (合计); ``right`` the columns of
    amounts, aligned right as figures are.
    """
    rows = 4 + (1 if total else 0)
    table = _table(doc, rows, widths)
    for column, text in enumerate(headers):
        _write(table.cell(0, column), text, bold=True, center=True)
        _shade(table.cell(0, column))
    _repeat_header(table.rows[0])
    _write(table.cell(1, 0), f"{{%tr for row in {table_name} %}}")
    for column, text in enumerate(cells):
        _write(table.cell(2, column), text, center="loop.index" in text, right=column in right)
    table.rows[2].height = Cm(0.75)  # blank forms: rows tall enough to write in
    _write(table.cell(3, 0), "{%tr endfor %}")
    if total:
        for column, text in enumerate(total):
            _write(table.cell(4, column), text, bold=column == 0, center=column == 0, right=column in right)
        table.rows[4].height = Cm(0.75)
    return table


def text_grid(doc: Document, rows: Sequence[tuple[str, str]], widths: Sequence[float] = (2.8, 13.2)) -> Table:
    """Label on the left, a multi-line value on the right (PDCA steps)."""
    table = _table(doc, len(rows), widths)
    for r, (label_text, placeholder) in enumerate(rows):
        _write(table.cell(r, 0), label_text, bold=True, center=True)
        _shade(table.cell(r, 0))
        _write(table.cell(r, 1), placeholder)
        table.rows[r].height = Cm(1.0)
    return table


def signatures(doc: Document, signers: Sequence[tuple[str, str]]) -> None:
    """Signature and date lines at the foot of the form: one column per signer, borderless.

    Each signer is ``("编制人：{{ preparer }}", "日期：")``: a caption, then what
    is printed on the underlined space (the name typed in the portal, or
    nothing for a pen).
    """
    spacer = doc.add_paragraph()
    spacer.paragraph_format.line_spacing = Pt(8)  # a small gap, not a full empty line
    spacer.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=2, cols=len(signers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, pair in enumerate(signers):
        for r, text in enumerate(pair):
            cell = table.cell(r, c)
            cell.paragraphs[0].paragraph_format.space_before = Pt(6)
            # The block stays on one page (with the note after it): no lone signature line overleaf.
            cell.paragraphs[0].paragraph_format.keep_with_next = True
            caption, _, filled = text.partition("：")
            _set_run_fonts(cell.paragraphs[0].add_run(caption + "："), BODY_FONT, 12)
            run = cell.paragraphs[0].add_run(filled + "\u3000" * 4)
            run.font.underline = True
            _set_run_fonts(run, BODY_FONT, 12)
    for row in table.rows:
        row.height = Cm(0.75)


# --- table plumbing --------------------------------------------------------------------------------------


def _table(doc: Document, rows: int, widths: Sequence[float]) -> Table:
    table: Table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # LibreOffice lays a table out from its grid, Word from the cells: set both.
    for grid_column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_column.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table


def _write(cell: _Cell, text: str, *, bold: bool = False, center: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.paragraph_format.line_spacing = 1.1
    _set_run_fonts(paragraph.add_run(text), TABLE_FONT, 10.5, bold=bold or None)


def _shade(cell: _Cell) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), LABEL_SHADE)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)
