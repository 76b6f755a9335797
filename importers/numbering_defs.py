"""Numbering definitions of a .docx (``word/numbering.xml``) and the counters that apply them.

A paragraph with ``w:numPr`` (directly or through its style) points to a
numbering instance (``w:num``, by ``numId``) and a level (``ilvl``).  The
instance points to an abstract definition whose levels give a start value,
a format (``numFmt``) and a template (``lvlText`` such as ``%1、`` or
``%1.%2.``).  :class:`NumberingCounter` walks the paragraphs in order and
renders the number Word would print, which is never in the text itself.

Counting follows Word: instances that share an abstract definition continue
the same list unless an instance restarts a level with ``startOverride``;
using a level resets the deeper levels (``lvlRestart`` can change that).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from xml.etree.ElementTree import Element, fromstring

from importers.number_formats import format_number
from importers.wordml import LazyMapping, attr, child_int, child_val, int_attr, is_on, w

# Symbol-font bullets live in the Private Use Area (U+F0B7 in Symbol, U+F0A7 in
# Wingdings …); they mean nothing outside that font, so we print a plain bullet.
PLAIN_BULLET = "•"
_ARTICLE_TEXT = re.compile(r"第\s*%[1-9]\s*条")
# Fonts whose letters are pictures: Wingdings "l" is a black circle, "§" a square.
_SYMBOL_FONTS = ("symbol", "wingdings", "webdings", "zapf dingbats", "zapfdingbats", "marlett", "mt extra")


@dataclass(frozen=True)
class Level:
    """One level (``w:lvl``) of an abstract numbering definition."""

    ilvl: int
    start: int = 1
    num_fmt: str = "decimal"
    lvl_text: str = ""
    restart: int | None = None  # w:lvlRestart: 0 = never, n = after level n (1-based)
    is_legal: bool = False  # w:isLgl: render every referenced level in Arabic digits
    style_id: str | None = None  # w:pStyle: the paragraph style tied to this level
    symbol_font: bool = False  # the bullet is a glyph code of Symbol/Wingdings, not a character


@dataclass(frozen=True)
class AbstractNumbering:
    """A ``w:abstractNum``: the levels, or a link to a numbering style."""

    abstract_id: int
    levels: Mapping[int, Level]
    num_style_link: str | None = None


@dataclass(frozen=True)
class NumberingInstance:
    """A ``w:num``: which abstract definition, with per-level overrides."""

    num_id: int
    abstract_id: int
    start_overrides: Mapping[int, int] = field(default_factory=dict)
    level_overrides: Mapping[int, Level] = field(default_factory=dict)


@dataclass(frozen=True)
class NumberingDefinitions:
    """Everything in ``numbering.xml`` that affects how numbers are printed."""

    abstracts: Mapping[int, AbstractNumbering] = field(default_factory=dict)
    instances: Mapping[int, NumberingInstance] = field(default_factory=dict)
    # numbering styles (w:style type="numbering") -> their numId, for numStyleLink
    style_num_ids: Mapping[str, int] = field(default_factory=dict)

    def abstract_for(self, num_id: int) -> AbstractNumbering | None:
        """The abstract definition behind instance ``num_id``, following style links."""
        instance = self.instances.get(num_id)
        if instance is None:
            return None
        abstract = self.abstracts.get(instance.abstract_id)
        for _ in range(4):  # a link chain longer than this is a broken file
            if abstract is None or abstract.num_style_link is None:
                break
            linked_num = self.instances.get(self.style_num_ids.get(abstract.num_style_link, -1))
            abstract = self.abstracts.get(linked_num.abstract_id) if linked_num else None
        return abstract

    def level(self, num_id: int, ilvl: int) -> Level | None:
        """The effective level ``ilvl`` of instance ``num_id`` (overrides applied)."""
        instance = self.instances.get(num_id)
        if instance is None:
            return None
        if ilvl in instance.level_overrides:
            return instance.level_overrides[ilvl]
        abstract = self.abstract_for(num_id)
        return abstract.levels.get(ilvl) if abstract else None

    def level_for_style(self, num_id: int, style_id: str) -> int | None:
        """The level whose ``w:pStyle`` names ``style_id`` (Word's rule for style numbering)."""
        abstract = self.abstract_for(num_id)
        if abstract is None:
            return None
        return next((lvl.ilvl for lvl in abstract.levels.values() if lvl.style_id == style_id), None)


def _or_default(value: int | None, default: int) -> int:
    return default if value is None else value


def _parse_level(element: Element) -> Level:
    return Level(
        ilvl=int_attr(element, "ilvl") or 0,
        start=_or_default(child_int(element, "start"), 0),  # ECMA-376: missing start = 0
        num_fmt=child_val(element, "numFmt") or "decimal",
        lvl_text=child_val(element, "lvlText") or "",
        restart=child_int(element, "lvlRestart"),
        is_legal=is_on(element, "isLgl"),
        style_id=child_val(element, "pStyle"),
        symbol_font=_uses_symbol_font(element),
    )


def _uses_symbol_font(level: Element) -> bool:
    fonts = level.find(f"{w('rPr')}/{w('rFonts')}")
    names = {attr(fonts, "ascii"), attr(fonts, "hAnsi")} if fonts is not None else set()
    return any(name and name.lower().startswith(_SYMBOL_FONTS) for name in names)


def _parse_abstract(element: Element) -> AbstractNumbering:
    levels = {level.ilvl: level for level in map(_parse_level, element.findall(w("lvl")))}
    return AbstractNumbering(
        abstract_id=int_attr(element, "abstractNumId") or 0,
        levels=MappingProxyType(levels),
        num_style_link=child_val(element, "numStyleLink"),
    )


def _parse_instance(element: Element) -> NumberingInstance:
    starts: dict[int, int] = {}
    levels: dict[int, Level] = {}
    for override in element.findall(w("lvlOverride")):
        ilvl = int_attr(override, "ilvl") or 0
        start = child_int(override, "startOverride")
        if start is not None:
            starts[ilvl] = start
        level = override.find(w("lvl"))
        if level is not None:
            levels[ilvl] = _parse_level(level)
    return NumberingInstance(
        num_id=int_attr(element, "numId") or 0,
        abstract_id=child_int(element, "abstractNumId") or 0,
        start_overrides=MappingProxyType(starts),
        level_overrides=MappingProxyType(levels),
    )


def parse_numbering(
    xml: bytes | None, style_num_ids: Mapping[str, int] | None = None
) -> NumberingDefinitions:
    """Parse ``numbering.xml`` (``None`` when the document has none)."""
    if not xml:
        return NumberingDefinitions(style_num_ids=dict(style_num_ids or {}))
    return numbering_from_root(fromstring(xml), style_num_ids)


def numbering_from_root(
    root: Element, style_num_ids: Mapping[str, int] | None = None
) -> NumberingDefinitions:
    """The definitions of an already parsed ``w:numbering`` element."""
    abstract_elements = {int_attr(a, "abstractNumId") or 0: a for a in root.findall(w("abstractNum"))}
    instance_elements = {int_attr(n, "numId") or 0: n for n in root.findall(w("num"))}
    return NumberingDefinitions(
        abstracts=LazyMapping(abstract_elements, _parse_abstract),
        instances=LazyMapping(instance_elements, _parse_instance),
        style_num_ids=MappingProxyType(dict(style_num_ids or {})),
    )


def bullet_symbol(lvl_text: str) -> str:
    """What a bullet level prints: its own symbol, or ``•`` for a symbol-font glyph."""
    symbol = lvl_text.strip()
    if not symbol or any(0xE000 <= ord(c) <= 0xF8FF for c in symbol):
        return PLAIN_BULLET
    return symbol


class NumberingCounter:
    """Renders automatic numbers for paragraphs visited in document order.

    Mutable on purpose: numbering is a running count over the document.
    Counters are kept per abstract definition, so that two instances of one
    list continue each other, as in Word.
    """

    def __init__(self, definitions: NumberingDefinitions, *, continuous_articles: bool = False) -> None:
        """``continuous_articles``: never restart a ``第%N条`` level (see :func:`is_article_level`).

        For documents converted by LibreOffice 7.4, which cannot represent
        "never restart" (``lvlRestart`` 0) and so numbers 第一条 again in each
        chapter; :attr:`articles_kept_counting` tells whether it mattered.
        """
        self._definitions = definitions
        self._counts: dict[int, dict[int, int]] = {}
        self._started_instances: set[int] = set()
        self._continuous_articles = continuous_articles
        self.articles_kept_counting = False

    def next_number(self, num_id: int, ilvl: int) -> str:
        """Advance the counter of ``(num_id, ilvl)`` and return the printed number.

        ``num_id`` 0 means "no numbering" (a paragraph switching off its
        style's numbering); unknown instances or levels print nothing.
        """
        if num_id == 0:
            return ""
        level = self._definitions.level(num_id, ilvl)
        instance = self._definitions.instances.get(num_id)
        if level is None or instance is None:
            return ""
        counts = self._counts.setdefault(instance.abstract_id, {})
        self._apply_start_overrides(instance, counts)
        if level.num_fmt == "bullet":
            self._reset_deeper(num_id, ilvl, counts)
            return PLAIN_BULLET if level.symbol_font else bullet_symbol(level.lvl_text)
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else level.start
        self._reset_deeper(num_id, ilvl, counts)
        return self._render(num_id, level, counts).strip()

    def _apply_start_overrides(self, instance: NumberingInstance, counts: dict[int, int]) -> None:
        # A startOverride restarts the list the first time this instance is used.
        if instance.num_id in self._started_instances:
            return
        self._started_instances.add(instance.num_id)
        for ilvl, start in instance.start_overrides.items():
            counts[ilvl] = start - 1

    def _reset_deeper(self, num_id: int, ilvl: int, counts: dict[int, int]) -> None:
        for deeper in [d for d in counts if d > ilvl]:
            level = self._definitions.level(num_id, deeper)
            restart = level.restart if level else None
            if restart is not None and ilvl >= restart:
                continue
            if self._continuous_articles and level is not None and is_article_level(level):
                self.articles_kept_counting = True
                continue
            del counts[deeper]

    def _render(self, num_id: int, level: Level, counts: dict[int, int]) -> str:
        text = level.lvl_text
        for referenced in range(9, 0, -1):  # %10 does not exist; go high to low anyway
            placeholder = f"%{referenced}"
            if placeholder not in text:
                continue
            ref_level = self._definitions.level(num_id, referenced - 1)
            value = counts.get(referenced - 1, ref_level.start if ref_level else 1)
            fmt = ref_level.num_fmt if ref_level else "decimal"
            if level.is_legal and fmt != "none":
                fmt = "decimal"
            text = text.replace(placeholder, format_number(value, fmt))
        return text


def is_article_level(level: Level) -> bool:
    """A level printing ``第N条``: Chinese regulations number articles through the whole document."""
    return _ARTICLE_TEXT.search(level.lvl_text) is not None


def style_numbering_ids(styles_root: Element | None) -> dict[str, int]:
    """Numbering styles (``w:style w:type="numbering"``) and the ``numId`` each points to."""
    if styles_root is None:
        return {}
    result: dict[str, int] = {}
    for style in styles_root.findall(w("style")):
        if attr(style, "type") != "numbering":
            continue
        num_pr = style.find(f"{w('pPr')}/{w('numPr')}")
        num_id = child_int(num_pr, "numId")
        style_id = attr(style, "styleId")
        if style_id and num_id is not None:
            result[style_id] = num_id
    return result
