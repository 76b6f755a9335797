"""Clause-level differences between two versions of a document or release.

Clauses are matched by their stable anchor, not by line position, and are
compared through :func:`domain.normalize.comparison_key`, so that full/half
width, whitespace and glyph variants are *editorial* changes that never ask
anyone to sign again.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from domain.model import Document, Release, Section
from domain.normalize import comparison_key

ChangeKind = Literal["added", "removed", "changed"]
SpanOp = Literal["equal", "insert", "delete"]

PREAMBLE_ANCHOR = "_preamble"
TITLE_ANCHOR = "_title"


@dataclass(frozen=True)
class Span:
    """A run of text in an inline diff: kept, inserted or deleted."""

    op: SpanOp
    text: str


@dataclass(frozen=True)
class ClauseChange:
    change: ChangeKind
    anchor: str
    label: str
    old_text: str
    new_text: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class DocumentDiff:
    slug: str
    title: str
    status: Literal["added", "removed", "changed", "unchanged"]
    clauses: tuple[ClauseChange, ...] = ()
    editorial_changes: int = 0  # clauses whose text differs only in formatting

    @property
    def is_substantive(self) -> bool:
        """Whether a reader must look again: a clause added, removed or really changed."""
        return self.status in ("added", "removed") or bool(self.clauses)


@dataclass(frozen=True)
class ReleaseDiff:
    old_version: str | None
    new_version: str
    documents: tuple[DocumentDiff, ...]

    @property
    def changed_documents(self) -> tuple[DocumentDiff, ...]:
        return tuple(d for d in self.documents if d.status != "unchanged")


def inline_spans(old: str, new: str) -> tuple[Span, ...]:
    """Character-level diff of two texts (Chinese has no word boundaries)."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    spans: list[Span] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            spans.append(Span("equal", old[i1:i2]))
            continue
        if i2 > i1:
            spans.append(Span("delete", old[i1:i2]))
        if j2 > j1:
            spans.append(Span("insert", new[j1:j2]))
    return tuple(spans)


def _clause_text(section: Section) -> str:
    return " ".join(p for p in (section.title, section.text) if p)


def _clause_map(document: Document) -> dict[str, tuple[str, str]]:
    """anchor → (label, text) for the title, preamble, every node and job."""
    clauses: dict[str, tuple[str, str]] = {TITLE_ANCHOR: ("标题", document.title)}
    if document.preamble:
        clauses[PREAMBLE_ANCHOR] = ("前言", document.preamble)
    for section in document.walk():
        key = section.anchor or f"_{section.level}_{section.title}"
        clauses[key] = (section.number or section.title, _clause_text(section))
    for job in document.job_descriptions:
        fields = [job.summary or "", *job.responsibilities, *job.authorities, *job.qualifications]
        clauses[f"岗位-{job.slug}"] = (f"岗位：{job.title}", "\n".join(f for f in fields if f))
    return clauses


def diff_documents(old: Document | None, new: Document | None) -> DocumentDiff:
    """The clause changes from ``old`` to ``new`` (either may be absent)."""
    if old is None and new is None:
        raise ValueError("diff_documents needs at least one document")
    if old is None:
        assert new is not None
        return DocumentDiff(new.slug, new.title, "added")
    if new is None:
        return DocumentDiff(old.slug, old.title, "removed")

    before, after = _clause_map(old), _clause_map(new)
    changes: list[ClauseChange] = []
    editorial = 0
    for anchor in [*before, *(a for a in after if a not in before)]:
        old_entry, new_entry = before.get(anchor), after.get(anchor)
        if old_entry is None:
            assert new_entry is not None
            changes.append(ClauseChange("added", anchor, new_entry[0], "", new_entry[1]))
        elif new_entry is None:
            changes.append(ClauseChange("removed", anchor, old_entry[0], old_entry[1], ""))
        elif comparison_key(old_entry[1]) != comparison_key(new_entry[1]):
            spans = inline_spans(old_entry[1], new_entry[1])
            changes.append(ClauseChange("changed", anchor, new_entry[0], old_entry[1], new_entry[1], spans))
        elif old_entry[1] != new_entry[1]:
            editorial += 1
    status: Literal["changed", "unchanged"] = "changed" if changes else "unchanged"
    return DocumentDiff(new.slug, new.title, status, tuple(changes), editorial)


def diff_releases(old: Release | None, new: Release) -> ReleaseDiff:
    """Document by document, in the new release's order, then the removed ones."""
    old_docs = {d.slug: d for d in old.documents} if old else {}
    new_slugs = {d.slug for d in new.documents}
    diffs = [diff_documents(old_docs.get(d.slug), d) for d in new.documents]
    diffs += [diff_documents(d, None) for slug, d in old_docs.items() if slug not in new_slugs]
    return ReleaseDiff(old.version if old else None, new.version, tuple(diffs))
