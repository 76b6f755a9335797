"""Word files built in the tests: .docx with python-docx, .doc from them with real LibreOffice.

Each builder writes a small, realistic document and returns what a reader
should find in it, so that the tests compare against what was written and
not against numbers typed by hand.  Numbering definitions are written into
``numbering.xml`` exactly as Word writes them (abstractNum + num), because
the point is to render numbers that are *not* in the paragraph text.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from importers.wordbin import profile_slot

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = REPO_ROOT / "handbook" / "sources" / "marketing-handbook-2010.txt"
CORPUS = REPO_ROOT / ".." / "shared" / "corpus"


@dataclass(frozen=True)
class LevelSpec:
    """One numbering level as it would appear in numbering.xml."""

    num_fmt: str
    lvl_text: str
    start: int = 1
    restart: int | None = None
    is_legal: bool = False


def level_xml(ilvl: int, spec: LevelSpec) -> str:
    restart = f'<w:lvlRestart w:val="{spec.restart}"/>' if spec.restart is not None else ""
    legal = "<w:isLgl/>" if spec.is_legal else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{spec.start}"/><w:numFmt w:val="{spec.num_fmt}"/>'
        f'{restart}{legal}<w:lvlText w:val="{spec.lvl_text}"/><w:lvlJc w:val="left"/></w:lvl>'
    )


def add_numbering(
    document: DocxDocument, levels: Sequence[LevelSpec], start_overrides: dict[int, int] | None = None
) -> int:
    """Write an abstractNum with ``levels`` and a num pointing to it; return the new numId."""
    numbering = document.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    num_id = max(num_ids, default=0) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="multilevel"/>'
        + "".join(level_xml(i, spec) for i, spec in enumerate(levels))
        + "</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # the schema wants every abstractNum before the nums
    else:
        numbering.append(abstract)
    return add_instance(document, abstract_id, start_overrides, num_id)


def add_instance(
    document: DocxDocument,
    abstract_id: int,
    start_overrides: dict[int, int] | None = None,
    num_id: int | None = None,
) -> int:
    """Another ``w:num`` for an existing abstract definition (Word's "restart numbering")."""
    numbering = document.part.numbering_part.element
    if num_id is None:
        num_id = max((int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))), default=0) + 1
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        for ilvl, start in (start_overrides or {}).items()
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'
        )
    )
    return num_id


def abstract_of(document: DocxDocument, num_id: int) -> int:
    numbering = document.part.numbering_part.element
    for num in numbering.findall(qn("w:num")):
        if int(num.get(qn("w:numId"))) == num_id:
            return int(num.find(qn("w:abstractNumId")).get(qn("w:val")))
    raise KeyError(num_id)


def _num_pr(num_id: int, ilvl: int | None) -> object:
    num_pr = OxmlElement("w:numPr")
    if ilvl is not None:
        level = OxmlElement("w:ilvl")
        level.set(qn("w:val"), str(ilvl))
        num_pr.append(level)
    number = OxmlElement("w:numId")
    number.set(qn("w:val"), str(num_id))
    num_pr.append(number)
    return num_pr


def add_paragraph_style(
    document: DocxDocument,
    name: str,
    *,
    outline_lvl: int | None = None,
    num_id: int | None = None,
    ilvl: int | None = None,
    based_on: str | None = None,
) -> None:
    """A custom paragraph style (like 章标题) with an outline level and style numbering."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if based_on is not None:
        style.base_style = document.styles[based_on]
    p_pr = style.element.get_or_add_pPr()
    if num_id is not None:
        p_pr.append(_num_pr(num_id, ilvl))
    if outline_lvl is not None:
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(outline_lvl))
        p_pr.append(outline)


def set_numbering(paragraph: object, num_id: int, ilvl: int | None = 0) -> None:
    """Give a paragraph direct numbering (``w:numPr`` in its own pPr)."""
    p_pr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    p_pr.insert(1 if p_pr.find(qn("w:pStyle")) is not None else 0, _num_pr(num_id, ilvl))


def add_runs(document: DocxDocument, pieces: Iterable[str], style: str | None = None) -> object:
    """A paragraph whose text is split over several runs, as Word often saves it."""
    paragraph = document.add_paragraph(style=style)
    for piece in pieces:
        paragraph.add_run(piece)
    return paragraph


# ---------------------------------------------------------------- the samples


@dataclass(frozen=True)
class Expected:
    """What a reader must find: (number, text) of numbered paragraphs, heading levels, table."""

    numbered: tuple[tuple[str, str], ...]
    headings: tuple[tuple[str, str, int], ...]  # (style, text, outline level)
    table: tuple[tuple[str, ...], ...]
    body_texts: tuple[str, ...]
    not_in_body: tuple[str, ...]


def build_styled_regulation(path: Path, *, continuous_articles: bool = True) -> Expected:
    """A regulation in custom Chinese heading styles with style numbering, like real files.

    章标题 (outline 1) prints 第一章; 一级条标题 (outline 2, based on 章标题)
    prints 第一条 and, with ``continuous_articles``, does *not* restart per
    chapter (lvlRestart 0), as in Chinese regulations; list items inside an
    article print （一）.  LibreOffice 7.4 loses lvlRestart 0 (its model
    has no "never restart"), which the .doc reader makes up for.
    """
    document = docx.Document()
    chapters = add_numbering(
        document,
        [
            LevelSpec("chineseCounting", "第%1章"),
            LevelSpec("chineseCounting", "第%2条", restart=0 if continuous_articles else None),
            LevelSpec("chineseCounting", "（%3）"),
        ],
    )
    add_paragraph_style(document, "章标题", outline_lvl=0, num_id=chapters, ilvl=0)
    add_paragraph_style(document, "一级条标题", outline_lvl=1, num_id=chapters, ilvl=1, based_on="章标题")
    add_paragraph_style(document, "列项", num_id=chapters, ilvl=2)
    document.sections[0].header.paragraphs[0].text = "页眉：营销中心内部资料"
    document.sections[0].footer.paragraphs[0].text = "第1页共2页"

    document.add_paragraph("营销中心会议管理制度", style="Title")
    document.add_paragraph("总则", style="章标题")
    add_runs(document, ["为规范", "会议", "管理，提高会议效率，", "特制定本制度。"], style="一级条标题")
    document.add_paragraph("本制度适用于营销中心全体人员。", style="一级条标题")
    document.add_paragraph("会议的组织", style="章标题")
    document.add_paragraph("会议分为以下几类：", style="一级条标题")
    document.add_paragraph("例会；", style="列项")
    document.add_paragraph("专题会；", style="列项")
    document.add_paragraph("会议纪要由专人记录。", style="一级条标题")
    document.add_paragraph("参会人员如下：", style="列项")
    unnumbered = document.add_paragraph("附：会议记录表", style="章标题")
    set_numbering(unnumbered, 0, None)  # numId 0 switches the style's numbering off
    table = document.add_table(rows=3, cols=3)
    cells = [["会议", "时间", "主持人"], ["例会", "每周一", "经理"], ["", "每月末", ""]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0))  # vertical merge: 例会 spans two rows
    table.cell(1, 2).merge(table.cell(2, 2))
    document.add_paragraph("附则", style="章标题")
    document.add_paragraph("本制度自发布之日起施行。", style="一级条标题")
    document.save(str(path))
    return Expected(
        numbered=(
            ("第一章", "总则"),
            ("第一条", "为规范会议管理，提高会议效率，特制定本制度。"),
            ("第二条", "本制度适用于营销中心全体人员。"),
            ("第二章", "会议的组织"),
            ("第三条" if continuous_articles else "第一条", "会议分为以下几类："),
            ("（一）", "例会；"),
            ("（二）", "专题会；"),
            ("第四条" if continuous_articles else "第二条", "会议纪要由专人记录。"),
            ("（一）", "参会人员如下："),
            ("第三章", "附则"),
            ("第五条" if continuous_articles else "第一条", "本制度自发布之日起施行。"),
        ),
        headings=(
            ("章标题", "总则", 1),
            ("一级条标题", "本制度适用于营销中心全体人员。", 2),
            ("章标题", "附：会议记录表", 1),
        ),
        table=(("会议", "时间", "主持人"), ("例会", "每周一", "经理"), ("", "每月末", "")),
        body_texts=("营销中心会议管理制度", "附：会议记录表"),
        not_in_body=("页眉：营销中心内部资料", "第1页共2页"),
    )


# (format, lvlText, start) → what Word prints for the first three paragraphs
FORMAT_CASES: tuple[tuple[str, str, int, tuple[str, str, str]], ...] = (
    ("japaneseCounting", "%1、", 1, ("一、", "二、", "三、")),
    ("chineseCountingThousand", "第%1条", 9, ("第九条", "第十条", "第十一条")),
    ("ideographTraditional", "%1.", 1, ("甲.", "乙.", "丙.")),
    ("decimalEnclosedCircle", "%1", 1, ("①", "②", "③")),
    ("decimal", "(%1)", 1, ("(1)", "(2)", "(3)")),
    ("decimalZero", "%1.", 9, ("09.", "10.", "11.")),
    ("lowerLetter", "%1)", 25, ("y)", "z)", "aa)")),
    ("upperLetter", "%1.", 1, ("A.", "B.", "C.")),
    ("lowerRoman", "%1.", 3, ("iii.", "iv.", "v.")),
    ("upperRoman", "%1", 1, ("I", "II", "III")),
    ("none", "%1", 1, ("", "", "")),
)


def build_numbering_formats(path: Path) -> list[tuple[str, ...]]:
    """One three-item list per number format; return the expected numbers per list."""
    document = docx.Document()
    expected: list[tuple[str, ...]] = []
    for num_fmt, lvl_text, start, numbers in FORMAT_CASES:
        num_id = add_numbering(document, [LevelSpec(num_fmt, lvl_text, start)])
        document.add_paragraph(f"格式 {num_fmt}")
        for i in range(3):
            set_numbering(document.add_paragraph(f"{num_fmt} 第{i + 1}项"), num_id)
        expected.append(numbers)
    document.save(str(path))
    return expected


def build_multilevel(path: Path, *, libreoffice_safe: bool = False) -> list[str]:
    """Outline numbering ``一、`` / ``1.1.`` / ``一.1.1``, legal numbering, continued and restarted lists.

    LibreOffice 7.4 drops legal numbering (``isLgl``: every level in Arabic
    digits) and makes every ``w:num`` a list of its own when it writes a
    .doc, so ``libreoffice_safe`` leaves both out (for the .doc samples).
    """
    legal = not libreoffice_safe
    document = docx.Document()
    outline = add_numbering(
        document,
        [
            LevelSpec("chineseCounting", "%1、"),
            LevelSpec("decimal", "%1.%2.", is_legal=legal),
            LevelSpec("decimal", "%1.%2.%3"),
        ],
    )
    for ilvl, text in [
        (0, "总则"),
        (1, "目的"),
        (2, "细则"),
        (2, "细则二"),
        (1, "范围"),
        (0, "职责"),
        (1, "经理"),
    ]:
        set_numbering(document.add_paragraph(text), outline, ilvl)
    bullets = add_numbering(document, [LevelSpec("bullet", "\uf0b7"), LevelSpec("bullet", "◆")])
    set_numbering(document.add_paragraph("要点"), bullets, 0)
    set_numbering(document.add_paragraph("子要点"), bullets, 1)
    # A second instance of the same list continues it; one with startOverride restarts it.
    if not libreoffice_safe:
        continued = add_instance(document, abstract_of(document, outline))
        set_numbering(document.add_paragraph("考核"), continued, 0)
    restarted = add_instance(document, abstract_of(document, outline), {0: 1})
    set_numbering(document.add_paragraph("新的清单"), restarted, 0)
    document.save(str(path))
    if libreoffice_safe:
        return ["一、", "一.1.", "一.1.1", "一.1.2", "一.2.", "二、", "二.1.", "•", "◆", "一、"]
    return ["一、", "1.1.", "一.1.1", "一.1.2", "1.2.", "二、", "2.1.", "•", "◆", "三、", "一、"]


def seed_lines(count: int, offset: int = 0) -> list[str]:
    """Non-empty lines of the real seed handbook (the text HR gave us)."""
    lines = [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[offset : offset + count]


def build_unstyled(path: Path, lines: Sequence[str]) -> None:
    """The common case: every paragraph in Normal, numbers typed by hand."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))


def build_builtin_headings(path: Path) -> list[tuple[str, int]]:
    """Word's own Heading 1/2 styles, without numbering."""
    document = docx.Document()
    document.add_paragraph("第一章 总则", style="Heading 1")
    document.add_paragraph("为规范管理，特制定本制度。")
    document.add_paragraph("一、适用范围", style="Heading 2")
    document.add_paragraph("本制度适用于全体员工。")
    document.save(str(path))
    return [("第一章 总则", 1), ("一、适用范围", 2)]


# ---------------------------------------------------------------- LibreOffice


def soffice() -> str:
    """The LibreOffice binary; CI installs it (no skip when missing: the test must fail)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice (soffice) is required for these tests"
    return found


def counting_soffice(folder: Path) -> tuple[str, Path]:
    """A real soffice behind a wrapper that logs each call, to count LibreOffice start-ups."""
    log = folder / "soffice-calls.log"
    wrapper = folder / "soffice-counting"
    wrapper.write_text(f'#!/bin/sh\necho call >> "{log}"\nexec "{soffice()}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return str(wrapper), log


def convert_with_libreoffice(
    sources: Sequence[Path], out_dir: Path, target: str = "doc:MS Word 97"
) -> list[Path]:
    """Convert ``sources`` in one soffice call (tests only: the product code is importers.wordbin)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with profile_slot() as profile:  # the reader's warm, locked profiles: no first-start cost
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(out_dir),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    extension = target.split(":")[0]
    outputs = [out_dir / f"{source.stem}.{extension}" for source in sources]
    missing = [p.name for p in outputs if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return outputs


# ---------------------------------------------------------------- shared, built once per test session


@dataclass(frozen=True)
class SampleSet:
    """The generated .docx files, their LibreOffice-made .doc twins, and what each must contain.

    Built only with features LibreOffice 7.4 keeps in a .doc (no isLgl, no
    list continued by a second ``w:num``), so that the .doc and the .docx must
    read the same.  The regulation's 第N条 never restart (lvlRestart 0), which
    LibreOffice loses: the .doc reader restores it (with a warning).
    """

    folder: Path
    regulation_docx: Path
    regulation: Expected
    multilevel_docx: Path
    multilevel: list[str]
    unstyled_docx: Path
    unstyled_lines: list[str]
    headings_docx: Path
    headings: list[tuple[str, int]]

    def doc(self, docx_path: Path) -> Path:
        """The .doc LibreOffice made from ``docx_path``."""
        return self.folder / "doc" / f"{docx_path.stem}.doc"

    @property
    def docx_files(self) -> list[Path]:
        return [self.regulation_docx, self.multilevel_docx, self.unstyled_docx, self.headings_docx]

    @property
    def doc_files(self) -> list[Path]:
        return [self.doc(p) for p in self.docx_files]


@functools.cache
def sample_set() -> SampleSet:
    """Build every sample once per session: python-docx, then ONE soffice call for all the .doc files."""
    folder = Path(tempfile.mkdtemp(prefix="handbook-word-samples-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    samples = SampleSet(
        folder=folder,
        regulation_docx=folder / "regulation.docx",
        regulation=build_styled_regulation(folder / "regulation.docx"),
        multilevel_docx=folder / "multilevel.docx",
        multilevel=build_multilevel(folder / "multilevel.docx", libreoffice_safe=True),
        unstyled_docx=folder / "unstyled.docx",
        unstyled_lines=seed_lines(60, offset=20),
        headings_docx=folder / "headings.docx",
        headings=build_builtin_headings(folder / "headings.docx"),
    )
    build_unstyled(samples.unstyled_docx, samples.unstyled_lines)
    convert_with_libreoffice(samples.docx_files, folder / "doc")
    return samples
