"""Cross-references resolved to clauses: which clause points at which, and which pointers lead nowhere.

:func:`cross_references` reads every clause of a set of documents (one release, or one import), finds the
mentions (:mod:`knowledge.mentions`) and resolves each to a :class:`~domain.model.ClauseRef` in the same
set: the site renders them as links and lists, under each clause, what refers to it (被引用); the import
report lists what could not be resolved; the publishing diff warns when a revision removes a clause that
others cite.  Pure: documents in, references out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from domain.model import ClauseRef, Document, Section, SectionKind
from domain.numerals import parse_numeral, to_chinese_numeral
from knowledge.mentions import Mention, Step, find_mentions, find_unbracketed_titles

Status = Literal["resolved", "external", "unresolved"]

# A title shorter than this is too likely to be an ordinary phrase when written without 《》.
MIN_UNBRACKETED_TITLE = 6

_KIND_OF_UNIT = {"chapter": SectionKind.CHAPTER, "section": SectionKind.SECTION, "article": SectionKind.ARTICLE}
_ITEM_KINDS = frozenset({SectionKind.ITEM, SectionKind.HEADING})
_NUMBER_RE = re.compile(r"[零〇一二三四五六七八九十百千两\d]+")
_TITLE_NOISE_RE = re.compile(r"[\s（）()【】\[\]《》\-—_·]+")


@dataclass(frozen=True)
class Reference:
    """One mention and where it leads; ``reason`` (Chinese) says why it leads nowhere."""

    source: ClauseRef
    start: int
    end: int
    text: str
    target: ClauseRef | None
    status: Status
    reason: str = ""


@dataclass(frozen=True)
class CrossReferences:
    references: tuple[Reference, ...] = ()
    _cited: dict[ClauseRef, tuple[Reference, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, references: Iterable[Reference]) -> CrossReferences:
        refs = tuple(references)
        cited: dict[ClauseRef, list[Reference]] = {}
        for ref in refs:
            if ref.target is not None:
                cited.setdefault(ref.target, []).append(ref)
        return cls(refs, {target: tuple(v) for target, v in cited.items()})

    def outgoing(self, document_slug: str) -> list[Reference]:
        return [r for r in self.references if r.source.document_slug == document_slug]

    def cited_by(self, target: ClauseRef) -> tuple[Reference, ...]:
        """Who refers to this clause, in reading order; several mentions from one clause count once each."""
        return self._cited.get(target, ())

    def cited_targets(self) -> set[ClauseRef]:
        return set(self._cited)

    def unresolved(self) -> list[Reference]:
        return [r for r in self.references if r.status == "unresolved"]

    def external(self) -> list[Reference]:
        return [r for r in self.references if r.status == "external"]


def normal_title(title: str) -> str:
    """``营销中心管理制度（完整）`` and ``营销中心管理制度 (完整)`` compare equal."""
    return _TITLE_NOISE_RE.sub("", title)


def cross_references(documents: Sequence[Document]) -> CrossReferences:
    """Every reference in every clause (and preamble) of ``documents``, resolved within them."""
    by_title: dict[str, list[Document]] = {}
    for document in documents:
        by_title.setdefault(normal_title(document.title), []).append(document)
    refs: list[Reference] = []
    for document in documents:
        outline = _Outline(document)
        unbracketed = [
            d.title
            for d in documents
            if d.slug != document.slug
            and len(normal_title(d.title)) >= MIN_UNBRACKETED_TITLE
            and len(by_title[normal_title(d.title)]) == 1
        ]
        for section, text in outline.texts():
            for mention in _mentions(text, unbracketed):
                ref = _resolve(mention, section, document, outline, by_title)
                if ref is not None:
                    refs.append(ref)
    return CrossReferences.of(refs)


def _mentions(text: str, titles: list[str]) -> list[Mention]:
    mentions = find_mentions(text)
    if not titles:
        return mentions
    bracketed = [m for m in mentions if m.title]
    extra = find_unbracketed_titles(text, titles, bracketed)
    if not extra:
        return mentions
    # A title written without 《》 followed by 第五条: the title's mention replaces the bare 第五条.
    spans = [(m.start, m.end) for m in extra]
    kept = [m for m in mentions if m.title or not any(a < m.end and m.start < b for a, b in spans)]
    return sorted([*kept, *extra], key=lambda m: m.start)


def _resolve(
    mention: Mention,
    section: Section | None,
    document: Document,
    outline: _Outline,
    by_title: dict[str, list[Document]],
) -> Reference | None:
    source = ClauseRef(document.slug, section.anchor if section is not None else "")

    def made(target: ClauseRef | None, status: Status, reason: str = "") -> Reference | None:
        if target is not None and target == source:
            return None  # 本条第二款: a clause pointing at itself needs no link
        return Reference(source, mention.start, mention.end, mention.text, target, status, reason)

    target_document, target_outline = document, outline
    if mention.title:
        matches = by_title.get(normal_title(mention.title), [])
        if not matches:
            return made(None, "external", f"《{mention.title}》不在本手册中")
        if len(matches) > 1:
            return made(None, "unresolved", f"有 {len(matches)} 个文件名为《{mention.title}》，无法确定指的是哪一个")
        target_document = matches[0]
        target_outline = outline if target_document is document else _Outline(target_document)
        if not mention.steps:
            return made(ClauseRef(target_document.slug), "resolved")
    if mention.relative:
        found, reason = outline.relative(section, mention.relative)
        if found is not None and mention.steps:
            found, reason = outline.follow(mention.steps, found, start=found)
    else:
        here = section if target_document is document else None
        found, reason = target_outline.follow(mention.steps, here)
    if found is None:
        where = f"《{target_document.title}》" if target_document is not document else "本文件"
        return made(None, "unresolved", f"{where}{reason}")
    return made(ClauseRef(target_document.slug, found.anchor), "resolved")


class _Outline:
    """A document's sections with their parents, to answer 'the article I am in' and 'its 第二项'."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.parent: dict[int, Section | None] = {}
        self.order: list[Section] = []
        stack: list[tuple[Section, Section | None]] = [(s, None) for s in reversed(document.sections)]
        while stack:
            node, parent = stack.pop()
            self.parent[id(node)] = parent
            self.order.append(node)
            stack += [(child, node) for child in reversed(node.children)]

    def texts(self) -> Iterable[tuple[Section | None, str]]:
        if self.document.preamble:
            yield None, self.document.preamble
        for section in self.order:
            if section.text:
                yield section, section.text

    def ancestors(self, section: Section | None) -> Iterable[Section]:
        while section is not None:
            yield section
            section = self.parent.get(id(section))

    def enclosing(self, section: Section | None, kind: SectionKind) -> Section | None:
        return next((s for s in self.ancestors(section) if s.kind is kind), None)

    def relative(self, section: Section | None, kind: str) -> tuple[Section | None, str]:
        article = self.enclosing(section, SectionKind.ARTICLE)
        if kind == "previous-paragraph":
            return (article or section), "" if (article or section) else "没有可指向的上一款"
        articles = [s for s in self.order if s.kind is SectionKind.ARTICLE]
        if article is None:
            return None, "中引用的“上一条/下一条”不在任何条之内"
        index = next(i for i, s in enumerate(articles) if s is article) + (1 if kind == "next-article" else -1)
        if 0 <= index < len(articles):
            return articles[index], ""
        return None, "没有" + ("下一条" if kind == "next-article" else "上一条")

    def follow(
        self, steps: Sequence[Step], here: Section | None, start: Section | None = None
    ) -> tuple[Section | None, str]:
        """The section named by ``steps`` (第十八条第二款 → 第十八条), searched where the steps say.

        ``start`` is where a relative reference already leads (前条第（二）项: the steps go on from 前条)."""
        current: Section | None = start
        for step in steps:
            if step.unit == "paragraph":
                # 款 are an article's paragraphs: no anchor of their own, the link goes to the article.
                current = current or self.enclosing(here, SectionKind.ARTICLE)
                if current is None:
                    return None, f"中的“第{step.number}款”不在任何条之内"
                continue
            found = self._find(step, current, here)
            if found is None:
                return None, f"没有{_label(step, current)}"
            current = found
        return current, ""

    def _find(self, step: Step, within: Section | None, here: Section | None) -> Section | None:
        if step.unit == "item":
            scope = within or self.enclosing(here, SectionKind.ARTICLE) or here
            candidates = [c for c in (scope.children if scope else ()) if c.kind in _ITEM_KINDS]
        else:
            kind = _KIND_OF_UNIT[step.unit]
            if within is None and step.unit == "section":
                within = self.enclosing(here, SectionKind.CHAPTER)
            pool = list(within.walk())[1:] if within is not None else self.order
            candidates = [s for s in pool if s.kind is kind]
        matches = [s for s in candidates if number_value(s) == (step.number, step.sub)]
        return matches[0] if len(matches) == 1 else None


def number_value(section: Section) -> tuple[int, int] | None:
    """``第十条`` → (10, 0), ``第十条之一`` → (10, 1), ``（三）`` → (3, 0), ``2.`` → (2, 0)."""
    numbers = _NUMBER_RE.findall(section.number)
    if not numbers:
        return None
    main = parse_numeral(numbers[0])
    sub = parse_numeral(numbers[1]) if len(numbers) > 1 and "之" in section.number else 0
    return (main, sub or 0) if main is not None else None


def _label(step: Step, within: Section | None) -> str:
    unit = {"chapter": "章", "section": "节", "article": "条", "paragraph": "款", "item": "项"}[step.unit]
    own = f"第{to_chinese_numeral(step.number)}{unit}" + (f"之{to_chinese_numeral(step.sub)}" if step.sub else "")
    return f"{within.label}{own}" if within is not None else own


@dataclass(frozen=True)
class BrokenReference:
    """A reference that a revision breaks: it led to ``was`` before and leads nowhere (or elsewhere) after."""

    reference: Reference
    was: ClauseRef

    @property
    def message(self) -> str:
        where = self.reference.source.anchor or "序言"
        return f"{where} 引用的“{self.reference.text}”原指向 {self.was.anchor or '全文'}，修订后{self._now()}"

    def _now(self) -> str:
        after = self.reference.target
        if after is None:
            return "已无法解析（条款被删除或重新编号）"
        if after == self.was:
            return "该编号已是另一条款（原条款被删除或移动）"
        return f"指向 {after.anchor}（编号已变）"


def broken_by_revision(before: Sequence[Document], after: Sequence[Document]) -> list[BrokenReference]:
    """References present in both editions whose target changed: removed, renumbered or shifted clauses.

    ``before`` and ``after`` are the whole sets in force (a revision of one document can break references
    written in the others).  A reference is matched across editions by its clause and its words.
    """
    earlier = {(r.source, r.text): r.target for r in cross_references(before).references if r.target is not None}
    broken = []
    for ref in cross_references(after).references:
        was = earlier.get((ref.source, ref.text))
        if was is None:
            continue
        moved = ref.target != was and not _renamed_same_clause(was, ref.target, before, after)
        if moved or (ref.target == was and _replaced_under_its_number(was, before, after)):
            broken.append(BrokenReference(ref, was))
    return broken


def _clause_text(documents: Sequence[Document], where: ClauseRef) -> str | None:
    document = next((d for d in documents if d.slug == where.document_slug), None)
    section = document.find(where.anchor) if document is not None and where.anchor else None
    return section.text if section is not None else None


def _replaced_under_its_number(was: ClauseRef, before: Sequence[Document], after: Sequence[Document]) -> bool:
    """``第二条`` was removed and the next article took its number: the reference still resolves, to
    another clause.  An amended clause keeps most of its words (``三十日`` → ``二十日``); a different
    clause shares few of them."""
    old, new = _clause_text(before, was), _clause_text(after, was)
    if old is None or new is None or old == new:
        return False
    return SequenceMatcher(None, old, new, autojunk=False).ratio() < 0.5


def _renamed_same_clause(
    was: ClauseRef, now: ClauseRef | None, before: Sequence[Document], after: Sequence[Document]
) -> bool:
    """The old target still exists with the same text under the same anchor: nothing to warn about."""
    if now is None or now.document_slug != was.document_slug:
        return False
    old = next((d for d in before if d.slug == was.document_slug), None)
    new = next((d for d in after if d.slug == now.document_slug), None)
    old_section = old.find(was.anchor) if old is not None else None
    new_section = new.find(now.anchor) if new is not None else None
    return old_section is not None and new_section is not None and old_section.text == new_section.text
