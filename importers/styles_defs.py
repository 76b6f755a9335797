"""Paragraph styles of a .docx (``word/styles.xml``): names, outline levels, style numbering.

Real Chinese regulations rarely use "Heading 1": they define their own
styles (章标题, 一级条标题 …) with an outline level, often inheriting from
one another (``w:basedOn``) and carrying automatic numbering.  This module
resolves those chains so that each paragraph can be given its style name,
its outline level (1 = top) and its style numbering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from importers.wordml import LazyMapping, attr, child_int, child_val, w

# w:outlineLvl 9 means "body text"; 0–8 are levels 1–9.
BODY_TEXT_OUTLINE = 9
_BUILT_IN_HEADING = re.compile(r"^heading\s+([1-9])$", re.IGNORECASE)
_BUILT_IN_TOC = re.compile(r"^toc\s+([1-9])$", re.IGNORECASE)
_MAX_CHAIN = 20  # basedOn loops exist in damaged files


@dataclass(frozen=True)
class NumberingRef:
    """A ``w:numPr``: either part may be missing and inherited."""

    num_id: int | None = None
    ilvl: int | None = None


@dataclass(frozen=True)
class ParagraphStyle:
    """One ``w:style`` of type paragraph, with only what the importers use."""

    style_id: str
    name: str
    based_on: str | None = None
    outline_lvl: int | None = None  # raw w:outlineLvl (0-based, 9 = body)
    numbering: NumberingRef | None = None


@dataclass(frozen=True)
class StyleSheet:
    """The paragraph styles of a document and its default paragraph style."""

    styles: Mapping[str, ParagraphStyle] = field(default_factory=dict)
    default_style_id: str | None = None

    def chain(self, style_id: str | None) -> Iterator[ParagraphStyle]:
        """The style and its ancestors (``basedOn``), nearest first."""
        # A paragraph naming a style the document does not define is shown in the default style.
        current = self.styles.get(style_id, self._default()) if style_id else self._default()
        seen: set[str] = set()
        while current is not None and current.style_id not in seen and len(seen) < _MAX_CHAIN:
            seen.add(current.style_id)
            yield current
            current = self.styles.get(current.based_on) if current.based_on else None

    def _default(self) -> ParagraphStyle | None:
        return self.styles.get(self.default_style_id) if self.default_style_id else None

    def name(self, style_id: str | None) -> str | None:
        """Display name of the paragraph's style (``Heading 1``, ``章标题``)."""
        style = next(self.chain(style_id), None)
        return display_name(style.name) if style else None

    def outline_level(self, style_id: str | None) -> int | None:
        """Outline level from the style chain: 1 = top, ``None`` = body text."""
        for style in self.chain(style_id):
            if style.outline_lvl is not None:
                return outline_level_from_raw(style.outline_lvl)
            match = _BUILT_IN_HEADING.match(style.name)
            if match:
                return int(match.group(1))
        return None

    def numbering(self, style_id: str | None) -> NumberingRef:
        """The numbering a paragraph of this style inherits (each part from the nearest style)."""
        num_id: int | None = None
        ilvl: int | None = None
        for style in self.chain(style_id):
            if style.numbering is None:
                continue
            num_id = style.numbering.num_id if num_id is None else num_id
            ilvl = style.numbering.ilvl if ilvl is None else ilvl
            if num_id is not None and ilvl is not None:
                break
        return NumberingRef(num_id, ilvl)


def outline_level_from_raw(raw: int) -> int | None:
    """``w:outlineLvl`` 0–8 → level 1–9; 9 (body text) or garbage → ``None``."""
    return raw + 1 if 0 <= raw < BODY_TEXT_OUTLINE else None


def display_name(raw_name: str) -> str:
    """Word stores built-in names in lower case (``heading 1``); show them as Word does."""
    match = _BUILT_IN_HEADING.match(raw_name)
    if match:
        return f"Heading {match.group(1)}"
    toc = _BUILT_IN_TOC.match(raw_name)
    if toc:
        return f"TOC {toc.group(1)}"
    if raw_name in ("Normal", "normal"):
        return "Normal"
    if raw_name == "title":
        return "Title"
    return raw_name


def numbering_ref(p_pr: Element | None) -> NumberingRef | None:
    """The ``w:numPr`` of a ``w:pPr`` (paragraph or style), if any."""
    num_pr = p_pr.find(w("numPr")) if p_pr is not None else None
    if num_pr is None:
        return None
    return NumberingRef(num_id=child_int(num_pr, "numId"), ilvl=child_int(num_pr, "ilvl"))


def _parse_style(element: Element) -> ParagraphStyle:
    p_pr = element.find(w("pPr"))
    style_id = attr(element, "styleId") or ""
    return ParagraphStyle(
        style_id=style_id,
        name=child_val(element, "name") or style_id,
        based_on=child_val(element, "basedOn"),
        outline_lvl=child_int(p_pr, "outlineLvl"),
        numbering=numbering_ref(p_pr),
    )


def styles_from_root(root: Element) -> StyleSheet:
    """The paragraph styles of an already parsed ``w:styles`` element."""
    elements: dict[str, Element] = {}
    default_id: str | None = None
    for element in root.findall(w("style")):
        if attr(element, "type") not in (None, "paragraph"):
            continue
        style_id = attr(element, "styleId") or ""
        elements[style_id] = element
        if attr(element, "default") in ("1", "true", "on"):
            default_id = style_id
    return StyleSheet(styles=LazyMapping(elements, _parse_style), default_style_id=default_id)
