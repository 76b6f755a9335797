"""Read a .docx (Office Open XML) into blocks: paragraphs and tables in body order.

python-docx opens the package (relationships, content types); the parts we
need (document, styles, numbering) are then read with ElementTree so that
every paragraph gets:

* its text, runs joined (deleted text and field codes excluded; text boxes
  are read as body blocks just before the paragraph they are anchored to);
* its style's display name and outline level (custom styles such as 章标题
  included, through ``w:basedOn`` chains);
* the automatic number Word prints before it (``一、``, ``1.1``), rendered from
  the numbering definitions, because it is not part of the text.

Tables become :class:`Block` values with ``table`` set (merged cells appear
once, the other grid positions they cover are empty strings).  Headers,
footers, footnotes and comments are not body text and are ignored.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, fromstring

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError

from importers.blocks import Block
from importers.compound_file import is_compound_file, is_encrypted_ooxml
from importers.failures import FailureReason, import_failed
from importers.limits import DEFAULT_PACKAGE_LIMITS, MAX_DOCX_UNPACKED_BYTES, PackageLimits
from importers.numbering_defs import (
    NumberingCounter,
    NumberingDefinitions,
    numbering_from_root,
    style_numbering_ids,
)
from importers.results import Result, warned
from importers.styles_defs import (
    NumberingRef,
    StyleSheet,
    numbering_ref,
    outline_level_from_raw,
    styles_from_root,
)
from importers.wordml import MC_NS, attr, child_int, child_val, w

# Kept for callers of the old name: the unpacked-size limit of a .docx (see importers.limits).
MAX_UNPACKED_BYTES = MAX_DOCX_UNPACKED_BYTES

# Subtrees whose text is not body text of the paragraph.
_SKIPPED = frozenset(
    {
        w("pPr"),
        w("rPr"),
        w("del"),
        w("moveFrom"),
        w("delText"),
        w("instrText"),
        w("footnoteReference"),
        w("endnoteReference"),
        w("commentReference"),
        w("drawing"),
        w("pict"),
        w("object"),
        f"{{{MC_NS}}}AlternateContent",
    }
)
_LINE_BREAK_TYPES = (None, "textWrapping")
# Tags compared for every node of the body, spelled once.
_T, _SYM, _NO_BREAK_HYPHEN, _TXBX = w("t"), w("sym"), w("noBreakHyphen"), w("txbxContent")
_TABS = frozenset({w("tab"), w("ptab")})
_BREAKS = frozenset({w("br"), w("cr")})
_FALLBACK = f"{{{MC_NS}}}Fallback"


@dataclass(frozen=True)
class WordParts:
    """The XML of the parts a .docx reader needs (``None`` when the part is absent)."""

    document: bytes
    styles: bytes | None = None
    numbering: bytes | None = None


@dataclass(frozen=True)
class ResolvedStyle:
    """What a paragraph inherits from its style chain."""

    name: str | None
    outline_level: int | None
    numbering: NumberingRef


@dataclass
class _BodyWalker:
    """Visits the body in order; mutable because numbering counts as it goes."""

    source: str
    styles: StyleSheet
    numbering: NumberingDefinitions
    counter: NumberingCounter
    _resolved: dict[str | None, ResolvedStyle] = field(default_factory=dict)

    def style(self, style_id: str | None) -> ResolvedStyle:
        """The style chain resolved once per style, not once per paragraph."""
        if style_id not in self._resolved:
            self._resolved[style_id] = ResolvedStyle(
                name=self.styles.name(style_id),
                outline_level=self.styles.outline_level(style_id),
                numbering=self.styles.numbering(style_id),
            )
        return self._resolved[style_id]

    def blocks(self, container: Element) -> Iterator[Block]:
        for child in container:
            if child.tag == w("p"):
                # LibreOffice turns Word's framed paragraphs (cover pages) into text
                # boxes anchored here: their text is body text, read before the anchor.
                for box in _text_boxes(child):
                    yield from self.blocks(box)
                block = self.paragraph(child)
                if block is not None:
                    yield block
            elif child.tag == w("tbl"):
                yield Block(text="", source=self.source, table=self.table(child))
            elif child.tag in (w("sdt"), w("customXml"), w("smartTag")):
                content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
                if content is not None:
                    yield from self.blocks(content)

    def paragraph(self, p: Element) -> Block | None:
        p_pr = p.find(w("pPr"))
        style_id = child_val(p_pr, "pStyle")
        number = self.number(p_pr, style_id)
        # Like the text reader, drop the indentation people type (　　) around a paragraph.
        text = paragraph_text(p).strip()
        if not text and not number:
            return None
        return Block(
            text=text,
            source=self.source,
            style=self.style(style_id).name,
            outline_level=self.outline_level(p_pr, style_id),
            number=number,
        )

    def outline_level(self, p_pr: Element | None, style_id: str | None) -> int | None:
        direct = child_int(p_pr, "outlineLvl")
        if direct is not None:
            return outline_level_from_raw(direct)
        return self.style(style_id).outline_level

    def number(self, p_pr: Element | None, style_id: str | None) -> str:
        """The automatic number of a paragraph: its own numPr first, then its style's."""
        own = numbering_ref(p_pr)
        inherited = self.style(style_id).numbering
        num_id = own.num_id if own and own.num_id is not None else inherited.num_id
        if num_id is None or num_id == 0:
            return ""
        ilvl = own.ilvl if own and own.ilvl is not None else None
        if ilvl is None and not (own and own.num_id is not None):
            ilvl = inherited.ilvl
            if ilvl is None and style_id:
                ilvl = self.numbering.level_for_style(num_id, style_id)
        return self.counter.next_number(num_id, ilvl or 0)

    def table(self, tbl: Element) -> tuple[tuple[str, ...], ...]:
        rows = [self.table_row(tr) for tr in _rows(tbl)]
        width = max((len(row) for row in rows), default=0)
        return tuple(tuple(row + [""] * (width - len(row))) for row in rows)

    def table_row(self, tr: Element) -> list[str]:
        tr_pr = tr.find(w("trPr"))
        cells: list[str] = [""] * (child_int(tr_pr, "gridBefore") or 0)
        for tc in _cells(tr):
            tc_pr = tc.find(w("tcPr"))
            span = max(child_int(tc_pr, "gridSpan") or 1, 1)
            v_merge = tc_pr.find(w("vMerge")) if tc_pr is not None else None
            continues_above = v_merge is not None and attr(v_merge) in (None, "continue")
            text = "" if continues_above else self.cell_text(tc)
            cells.extend([text] + [""] * (span - 1))
        return cells

    def cell_text(self, tc: Element) -> str:
        """A cell's paragraphs as lines (numbers printed); a nested table as ``a | b`` lines."""
        lines: list[str] = []
        for block in self.blocks(tc):
            if block.table is not None:
                lines.extend(" | ".join(cell for cell in row if cell) for row in block.table)
            else:
                lines.append(f"{block.number} {block.text}".strip() if block.number else block.text)
        return "\n".join(line for line in lines if line)


def _rows(tbl: Element) -> Iterator[Element]:
    for child in tbl:
        if child.tag == w("tr"):
            yield child
        elif child.tag in (w("sdt"), w("customXml")):
            content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if content is not None:
                yield from _rows(content)


def _cells(tr: Element) -> Iterator[Element]:
    for child in tr:
        if child.tag == w("tc"):
            yield child
        elif child.tag in (w("sdt"), w("customXml")):
            content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if content is not None:
                yield from _cells(content)


def _text_boxes(p: Element) -> Iterator[Element]:
    """Text boxes anchored in a paragraph, once each (mc:Fallback repeats mc:Choice)."""
    if next(p.iter(_TXBX), None) is None:  # the common case, answered by a fast C search
        return
    for node in p:
        if node.tag == _FALLBACK:
            continue
        if node.tag == _TXBX:
            yield node
        else:
            yield from _text_boxes(node)


def paragraph_text(p: Element) -> str:
    """The visible text of a paragraph: runs joined, tabs kept, soft line breaks as ``\\n``."""
    parts: list[str] = []
    _collect_text(p, parts)
    return "".join(parts)


def _collect_text(element: Element, parts: list[str]) -> None:
    for node in element:
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag in _SKIPPED:
            continue
        elif tag in _TABS:
            parts.append("\t")
        elif tag in _BREAKS:
            if attr(node, "type") in _LINE_BREAK_TYPES:
                parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == _SYM:
            parts.append(_symbol(node))
        else:
            _collect_text(node, parts)


def _symbol(node: Element) -> str:
    code = attr(node, "char") or ""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    # Symbol-font glyphs are stored in the Private Use Area (F000–F0FF).
    return "" if 0xE000 <= value <= 0xF8FF else chr(value)


@dataclass(frozen=True)
class WordTrees:
    """The parsed parts: ElementTree elements, or python-docx's lxml ones (same interface)."""

    document: Element
    styles: Element | None = None
    numbering: Element | None = None


def blocks_from_parts(
    parts: WordParts, source: str, *, continuous_articles: bool = False
) -> Result[list[Block]]:
    """Pure core of the reader: the XML of the parts → blocks with warnings.

    ``continuous_articles`` is for LibreOffice output (see :class:`NumberingCounter`).
    """
    trees = WordTrees(
        document=fromstring(parts.document),
        styles=fromstring(parts.styles) if parts.styles else None,
        numbering=fromstring(parts.numbering) if parts.numbering else None,
    )
    return blocks_from_trees(trees, source, continuous_articles=continuous_articles)


def blocks_from_trees(
    trees: WordTrees, source: str, *, continuous_articles: bool = False
) -> Result[list[Block]]:
    """Blocks from parsed parts (see :func:`blocks_from_parts`)."""
    styles = styles_from_root(trees.styles) if trees.styles is not None else StyleSheet()
    style_num_ids = style_numbering_ids(trees.styles)
    numbering = (
        numbering_from_root(trees.numbering, style_num_ids)
        if trees.numbering is not None
        else NumberingDefinitions(style_num_ids=style_num_ids)
    )
    counter = NumberingCounter(numbering, continuous_articles=continuous_articles)
    walker = _BodyWalker(source, styles, numbering, counter)
    body = trees.document.find(w("body"))
    found = list(walker.blocks(body)) if body is not None else []
    # Like the text reader's ``name:line``: ``name:n`` is the n-th block of the body.
    blocks = [replace(block, source=f"{source}:{n}") for n, block in enumerate(found, start=1)]
    warnings: list[str] = []
    if not blocks:
        warnings.append(f"「{source}」中没有正文内容。")
    if counter.articles_kept_counting:
        warnings.append(
            f"「{source}」经 LibreOffice 转换后，自动编号的“第N条”会在每章重新从第一条开始；"
            "已按制度惯例改为全文连续编号，请与原文核对条号。"
        )
    return Result(blocks, warned(warnings))


def _check_package(data: bytes, name: str, limits: PackageLimits = DEFAULT_PACKAGE_LIMITS) -> None:
    """Refuse what is not a usable OOXML package before python-docx opens it."""
    if not data:
        raise import_failed(name, FailureReason.EMPTY)
    if is_compound_file(data):
        if is_encrypted_ooxml(data):
            raise import_failed(name, FailureReason.ENCRYPTED, "OLE2 package with EncryptionInfo")
        raise import_failed(name, FailureReason.NOT_WORD, "OLE2 file, not an OOXML package")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise import_failed(name, FailureReason.CORRUPT, "not a ZIP archive")
    _refuse_zip_bomb(data, name, limits)


def open_trees(data: bytes, name: str, limits: PackageLimits = DEFAULT_PACKAGE_LIMITS) -> WordTrees:
    """Open a .docx with python-docx and keep its parsed parts; raise :class:`ImportFailed` if unusable.

    python-docx has already parsed the parts with lxml, whose elements answer
    the ElementTree calls the walker makes: they are used as they are.
    """
    _check_package(data, name, limits)
    try:
        part = docx.Document(io.BytesIO(data)).part
        return WordTrees(
            document=part.element,
            styles=_related_element(part, RT.STYLES),
            numbering=_related_element(part, RT.NUMBERING),
        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, PackageNotFoundError) as error:
        raise import_failed(name, FailureReason.CORRUPT, f"{type(error).__name__}: {error}") from error
    except ValueError as error:  # python-docx: "file '…' is not a Word file, content type is …"
        raise import_failed(name, FailureReason.NOT_WORD, str(error)) from error
    except Exception as error:
        # lxml and zlib raise their own types on damaged members; any of them means "corrupt".
        raise import_failed(name, FailureReason.CORRUPT, f"{type(error).__name__}: {error}") from error


def _refuse_zip_bomb(data: bytes, name: str, limits: PackageLimits = DEFAULT_PACKAGE_LIMITS) -> None:
    """Refuse a package that would unpack to too much, from its central directory, unpacking nothing.

    The entry count and directory size come first, from the end-of-central-directory
    record, so that an archive of a million entries is not even listed; then the
    declared sizes of every member (see :mod:`importers.limits` for the figures and why).
    """
    declared = declared_directory(data)
    if declared is not None:
        entries, directory_size = declared
        if entries > limits.max_entries:
            raise import_failed(
                name, FailureReason.TOO_MANY_ENTRIES, f"{entries} entries > {limits.max_entries}"
            )
        # zipfile lists the directory by its size, not its count: a count that lies is caught here.
        if directory_size > limits.max_entries * _MAX_DIRECTORY_ENTRY_BYTES:
            raise import_failed(
                name, FailureReason.TOO_MANY_ENTRIES, f"central directory of {directory_size} bytes"
            )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise import_failed(name, FailureReason.CORRUPT, f"{type(error).__name__}: {error}") from error
    if len(members) > limits.max_entries:
        raise import_failed(
            name, FailureReason.TOO_MANY_ENTRIES, f"{len(members)} entries > {limits.max_entries}"
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        raise import_failed(
            name,
            FailureReason.UNPACKED_TOO_LARGE,
            f"{unpacked} bytes once unpacked > {limits.max_unpacked_bytes}",
        )
    xml = sum(member.file_size for member in members if member.filename.lower().endswith(_XML_SUFFIXES))
    if xml > limits.max_xml_bytes:
        raise import_failed(
            name,
            FailureReason.UNPACKED_TOO_LARGE,
            f"XML parts {xml} bytes once unpacked > {limits.max_xml_bytes}",
        )
    packed = sum(member.compress_size for member in members)
    checked = [(name, unpacked, packed)] + [
        (member.filename, member.file_size, member.compress_size) for member in members
    ]
    for what, size, compressed in checked:
        if size < limits.min_ratio_checked_bytes:
            continue
        ratio = size / max(compressed, 1)
        if ratio > limits.max_compression_ratio:
            raise import_failed(
                name,
                FailureReason.COMPRESSION_RATIO,
                f"{what}: compression ratio {ratio:.0f} > {limits.max_compression_ratio:g}"
                f" ({size} bytes from {compressed})",
            )


_XML_SUFFIXES = (".xml", ".rels")  # the parts python-docx parses (all of them, not only the body)
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_EOCD_SEARCH = 22 + 0xFFFF  # the record and the longest archive comment
# A directory entry is 46 bytes and the name (Word's are under 60 bytes) plus extras:
# 512 per entry is far above any real .docx.
_MAX_DIRECTORY_ENTRY_BYTES = 512


def declared_directory(data: bytes) -> tuple[int, int] | None:
    """The entry count and central-directory size an archive declares at its end; ``None`` if unreadable.

    ZIP's end-of-central-directory record holds both (16 and 32 bits); beyond
    65,535 entries the ZIP64 record it points to holds them (64 bits).
    """
    at = data.rfind(_EOCD, max(0, len(data) - _EOCD_SEARCH))
    if at < 0 or at + 22 > len(data):
        return None
    entries, directory_size = struct.unpack_from("<HI", data, at + 10)
    if entries != 0xFFFF and directory_size != 0xFFFFFFFF:
        return int(entries), int(directory_size)
    locator = at - 20
    if locator < 0 or data[locator : locator + 4] != _ZIP64_LOCATOR:
        return int(entries), int(directory_size)
    (record,) = struct.unpack_from("<Q", data, locator + 8)
    if record + 56 > len(data) or data[record : record + 4] != _ZIP64_EOCD:
        return None
    total, size = struct.unpack_from("<QQ", data, record + 32)
    return int(total), int(size)


def _related_element(part: object, reltype: str) -> Element | None:
    try:
        related = part.part_related_by(reltype)  # type: ignore[attr-defined]
    except KeyError:
        return None
    element = getattr(related, "element", None)  # an XmlPart; a damaged file may relate something else
    return element if element is not None and hasattr(element, "find") else None


def read_docx_bytes(
    data: bytes,
    name: str,
    *,
    continuous_articles: bool = False,
    limits: PackageLimits = DEFAULT_PACKAGE_LIMITS,
) -> Result[list[Block]]:
    """Read a .docx held in memory; ``name`` is used in errors and in each block's ``source`` (``name:n``)."""
    trees = open_trees(data, name, limits)
    try:
        return blocks_from_trees(trees, name, continuous_articles=continuous_articles)
    except (ParseError, ValueError) as error:
        raise import_failed(name, FailureReason.CORRUPT, f"XML: {error}") from error


def read_docx(path: Path, limits: PackageLimits = DEFAULT_PACKAGE_LIMITS) -> Result[list[Block]]:
    """Read a .docx file from disk (the only I/O of this module)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise import_failed(path.name, FailureReason.UNREADABLE, str(error)) from error
    return read_docx_bytes(data, path.name, limits=limits)
