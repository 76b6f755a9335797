"""Builds the .docx templates in ``forms/templates/`` with python-docx.

The templates are generated, not drawn by hand, so that they are
reproducible and reviewable: ``python -m forms.templates_build`` rewrites
them, and a test checks that the committed files carry exactly the
placeholders this builder writes.  The layout is that of a Chinese company
form: A4, 宋体 (黑体 for headings) with Times New Roman for Latin text, a running header with
the issuing centre and the form number, a centred title, numbered sections
(一、二、…) in 黑体, bordered tables whose header row repeats on every page,
signature and date lines, and 第 X 页 共 Y 页 in the footer.

Placeholders are docxtpl's: ``{{ field }}`` (``{{ field or '＿＿' }}`` where a
blank form needs a line to write on) and, for repeating rows, a row
holding ``{%tr for row in table %}`` and one holding ``{%tr endfor %}``
around the row of ``{{ row.column }}`` cells.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
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


def _set_run_fonts(rpr_owner: Any, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
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


def grid(doc: Document, rows: Sequence[Sequence[Cell]], widths: Sequence[float] = (2.8, 5.2, 2.8, 5.2)) -> Table:
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


# --- the five forms ----------------------------------------------------------------------------------------


def annual_marketing_plan() -> Document:
    doc = new_document("YX-JH-01")
    title(doc, "{{ plan_year or '＿＿＿＿' }}年度营销计划")
    grid(
        doc,
        [
            [label("计划年度"), value("{{ plan_year }}年"), label("编制部门"), value("{{ department }}")],
            [label("编制人"), value("{{ preparer }}"), label("编制日期"), value("{{ prepared_on }}")],
        ],
    )
    heading(doc, "一、行业现状及市场调研分析")
    body(doc, "{{ market_analysis }}")
    heading(doc, "二、竞争分析")
    body(doc, "{{ competition }}")
    heading(doc, "三、市场策略与拓展手段")
    body(doc, "{{ strategy }}")
    heading(doc, "四、营销目标")
    subheading(doc, "（一）各部门目标分解（单位：万元）")
    money_widths = (1.4, 3.4, 2.9, 2.9, 2.9, 2.5)
    repeating_table(
        doc,
        "department_targets",
        ("序号", "部门", "销售额", "回款", "利润", "市场占有率（%）"),
        ("{{ loop.index }}", "{{ row.department }}", "{{ row.sales }}", "{{ row.collection }}", "{{ row.profit }}", "{{ row.market_share }}"),
        money_widths,
        total=("合计", "", "{{ total_sales }}", "{{ total_collection }}", "{{ total_profit }}", ""),
        right=(2, 3, 4, 5),
    )
    subheading(doc, "（二）分季度目标（单位：万元）")
    repeating_table(
        doc,
        "quarter_targets",
        ("序号", "季度", "销售额", "回款", "利润", "市场占有率（%）"),
        ("{{ loop.index }}", "{{ row.quarter }}", "{{ row.sales }}", "{{ row.collection }}", "{{ row.profit }}", "{{ row.market_share }}"),
        money_widths,
        right=(2, 3, 4, 5),
    )
    heading(doc, "五、营销费用预算（单位：万元）")
    repeating_table(
        doc,
        "budget",
        ("序号", "费用项目", "金额", "说明"),
        ("{{ loop.index }}", "{{ row.item }}", "{{ row.amount }}", "{{ row.note }}"),
        (1.4, 4.2, 3.0, 7.4),
        total=("合计", "", "{{ budget_total }}", ""),
        right=(2,),
    )
    heading(doc, "六、进度安排")
    repeating_table(
        doc,
        "schedule",
        ("序号", "工作事项", "负责人", "开始日期", "完成日期"),
        ("{{ loop.index }}", "{{ row.task }}", "{{ row.owner }}", "{{ row.start }}", "{{ row.end }}"),
        (1.4, 5.6, 2.2, 3.4, 3.4),
    )
    heading(doc, "七、其他说明")
    body(doc, "{{ notes }}")
    signatures(
        doc,
        [
            ("编制人：{{ preparer }}", "日期："),
            ("营销副总审核：", "日期："),
            ("总经理批准：", "日期："),
        ],
    )
    note(doc, "依据：《营销中心目标管理制度》计划管理；市场拓展计划书每年12月中旬编制初稿。")
    return doc


def monthly_goal_plan() -> Document:
    doc = new_document("YX-MB-02")
    title(doc, "月度目标与PDCA计划")
    grid(
        doc,
        [
            [label("部门"), value("{{ department }}"), label("计划月份"), value("{{ plan_month }}")],
            [label("编制人"), value("{{ preparer }}"), label("编制日期"), value("{{ prepared_on }}")],
        ],
    )
    heading(doc, "一、本月目标完成情况")
    repeating_table(
        doc,
        "results",
        ("序号", "目标项目", "单位", "目标值", "实际完成", "达成率（%）", "差异原因分析"),
        ("{{ loop.index }}", "{{ row.indicator }}", "{{ row.unit }}", "{{ row.target }}", "{{ row.actual }}", "{{ row.rate }}", "{{ row.analysis }}"),
        (1.4, 2.8, 1.3, 2.0, 2.0, 2.0, 4.5),
        right=(3, 4, 5),
    )
    heading(doc, "二、本月目标实施情况总结")
    body(doc, "{{ summary }}")
    heading(doc, "三、下月目标分解")
    repeating_table(
        doc,
        "next_targets",
        ("序号", "岗位", "责任人", "目标项目", "目标值", "单位", "主要措施"),
        ("{{ loop.index }}", "{{ row.position }}", "{{ row.owner }}", "{{ row.indicator }}", "{{ row.target }}", "{{ row.unit }}", "{{ row.measures }}"),
        (1.4, 2.2, 1.9, 2.4, 1.9, 1.3, 4.9),
        right=(4,),
    )
    heading(doc, "四、PDCA行动计划")
    text_grid(
        doc,
        [
            ("计划（P）", "{{ plan }}"),
            ("执行（D）", "{{ do }}"),
            ("检查（C）", "{{ check }}"),
            ("处理（A）", "{{ act }}"),
        ],
    )
    signatures(
        doc,
        [
            ("编制人：{{ preparer }}", "日期："),
            ("部门经理审核：", "日期："),
            ("营销副总审核：", "日期："),
        ],
    )
    note(doc, "依据：《营销中心目标管理制度》——各部门每月28日前制订下月目标，总结本月目标实施情况。")
    return doc


def goal_card() -> Document:
    doc = new_document("YX-MB-03")
    title(doc, "目标管理卡")
    grid(
        doc,
        [
            [label("责任人"), value("{{ owner }}"), label("岗位"), value("{{ position }}")],
            [label("部门"), value("{{ department }}"), label("审核人"), value("{{ reviewer }}")],
            [label("考核期"), value("{{ period_start }} 至 {{ period_end }}", span=3)],
        ],
    )
    heading(doc, "一、目标及实施方案")
    repeating_table(
        doc,
        "targets",
        ("序号", "目标项目", "目标值", "权重（%）", "实施措施", "检查日期"),
        ("{{ loop.index }}", "{{ row.item }}", "{{ row.value }}", "{{ row.weight }}", "{{ row.measures }}", "{{ row.check_date }}"),
        (1.4, 2.6, 2.2, 1.8, 4.6, 3.4),
        total=("合计", "", "", "{{ weight_total }}", "", ""),
        right=(3,),
    )
    heading(doc, "二、检查、协调与调整记录")
    repeating_table(
        doc,
        "check_log",
        ("序号", "日期", "执行情况", "协调与调整措施", "检查人"),
        ("{{ loop.index }}", "{{ row.date }}", "{{ row.progress }}", "{{ row.adjustment }}", "{{ row.checker }}"),
        (1.4, 3.4, 4.6, 4.4, 2.2),
    )
    heading(doc, "三、考核")
    grid(
        doc,
        [
            [label("考核得分"), value("{{ score }}", span=3)],
            [label("考核意见"), value("{{ assessment }}", span=3)],
        ],
    )
    signatures(
        doc,
        [
            ("责任人：{{ owner }}", "日期："),
            ("审核人：{{ reviewer }}", "日期："),
            ("营销副总：", "日期："),
        ],
    )
    note(doc, "依据：《营销中心目标管理制度》——目标的计划、协调、检查、调整、考核等情况登记在案。")
    return doc


def sales_contract() -> Document:
    doc = new_document("YX-XS-04")
    title(doc, "销售合同与客户档案")
    right_note(doc, "档案编号：{{ archive_no or '＿＿＿＿＿＿' }}　　合同号：{{ contract_no or '＿＿＿＿＿＿' }}")
    heading(doc, "一、客户信息")
    grid(
        doc,
        [
            [label("客户姓名"), value("{{ customer_name }}"), label("联系电话"), value("{{ phone }}")],
            [label("住址"), value("{{ address }}", span=3)],
        ],
    )
    heading(doc, "二、房屋及价款")
    grid(
        doc,
        [
            [label("项目名称"), value("{{ project }}"), label("房号"), value("{{ room_no }}")],
            [label("建筑面积"), value("{{ building_area }} 平方米"), label("套内面积"), value("{{ inner_area }} 平方米")],
            [label("单价"), value("{{ unit_price }} 元/平方米"), label("总房款"), value("¥{{ total_price }} 元")],
            [label("总房款大写"), value("人民币{{ total_price_words }}", span=3)],
        ],
    )
    heading(doc, "三、付款方式及付款计划")
    grid(doc, [[label("付款方式"), value("{{ payment_method }}", span=3)]])
    repeating_table(
        doc,
        "instalments",
        ("期次", "金额（元）", "金额（大写）", "应付日期"),
        ("{{ row.term }}", "{{ row.amount }}", "{{ row.amount_words }}", "{{ row.due }}"),
        (2.6, 3.0, 7.0, 3.4),
        right=(1,),
    )
    heading(doc, "四、合同履行")
    grid(
        doc,
        [
            [label("签约日期"), value("{{ signed_on }}"), label("交房时间"), value("{{ delivery_date }}")],
            [label("特殊条款"), value("{{ special_terms }}", span=3)],
        ],
    )
    heading(doc, "五、附件")
    repeating_table(
        doc,
        "attachments",
        ("序号", "附件名称", "份数"),
        ("{{ loop.index }}", "{{ row.name }}", "{{ row.copies }}"),
        (1.4, 11.6, 3.0),
    )
    signatures(
        doc,
        [
            ("置业顾问：{{ sales_agent }}", "日期："),
            ("销售经理：{{ manager }}", "日期："),
            ("客户签字：", "日期："),
        ],
    )
    note(doc, "依据：《营销中心管理制度（完整）》销售部经理职责——客户档案详细记录造册、存案、存档。")
    return doc


def meeting_minutes() -> Document:
    doc = new_document("YX-HY-05")
    title(doc, "会议纪要")
    right_note(doc, "保密等级：{{ confidentiality }}")
    grid(
        doc,
        [
            [label("会议名称"), value("{{ meeting_name }}", span=3)],
            [label("会议类型"), value("{{ meeting_type }}"), label("会议地点"), value("{{ location }}")],
            [label("会议时间"), value("{{ meeting_date or '　　年　　月　　日' }} {{ start_time or '　　:　　' }}—{{ end_time or '　　:　　' }}", span=3)],
            [label("主持人"), value("{{ chair }}"), label("记录人"), value("{{ recorder }}")],
            [label("参会人员"), value("{{ attendee_names }}", span=3)],
            [label("缺席人员"), value("{{ absentee_list }}", span=3)],
        ],
    )
    heading(doc, "一、会议议程")
    body(doc, "{{ agenda }}")
    heading(doc, "二、讨论内容")
    body(doc, "{{ discussion }}")
    heading(doc, "三、决议事项")
    repeating_table(
        doc,
        "decisions",
        ("序号", "决议事项", "责任人", "完成期限"),
        ("{{ loop.index }}", "{{ row.item }}", "{{ row.owner }}", "{{ row.deadline }}"),
        (1.4, 8.8, 2.4, 3.4),
    )
    signatures(
        doc,
        [
            ("记录人：{{ recorder }}", "日期："),
            ("主持人审核签署：{{ approved_by }}", "签署日期：{{ approved_on }}"),
        ],
    )
    note(doc, "分发：全体参会人员。依据：《市场营销中心会议管理制度》——纪要由主持人审核签署后分发。")
    return doc


BUILDERS: dict[str, Callable[[], Document]] = {
    "annual-marketing-plan.docx": annual_marketing_plan,
    "monthly-goal-plan.docx": monthly_goal_plan,
    "goal-card.docx": goal_card,
    "sales-contract.docx": sales_contract,
    "meeting-minutes.docx": meeting_minutes,
}


def build_bytes(file_name: str) -> bytes:
    """The template ``file_name`` as this builder makes it, with fixed zip timestamps."""
    buffer = io.BytesIO()
    BUILDERS[file_name]().save(buffer)
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Same content, same bytes: fixed member dates and a stable order (reviewable diffs)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(name)
            if name == "docProps/core.xml":
                content = _fixed_core_properties()
            elif name == "word/fontTable.xml":
                content = _font_table()
            target.writestr(info, content)
    return out.getvalue()


# The fonts the forms use: name, Chinese (alternative) name, family (roman = serif, swiss = sans), Word's charset for GB2312 (86).
FONTS = (
    ("SimSun", "宋体", "roman", "86"),
    ("SimHei", "黑体", "swiss", "86"),
    (LATIN_FONT, "Times", "roman", "00"),
)


def _font_table() -> bytes:
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alternative}"/><w:charset w:val="{charset}"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        for name, alternative, family, charset in FONTS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"{entries}</w:fonts>"
    ).encode()


def _fixed_core_properties() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{ISSUER}标准表单</dc:title><dc:creator>{ISSUER}</dc:creator>"
        "</cp:coreProperties>"
    ).encode()


def build_all(directory: Path = TEMPLATES_DIR) -> list[Path]:
    """Write every template into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name in BUILDERS:
        path = directory / file_name
        path.write_bytes(build_bytes(file_name))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build_all():
        print(written_path)
