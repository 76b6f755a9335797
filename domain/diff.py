"""Clause-level differences between two versions of a document or release.

Clauses are matched by content first and anchor second (a revision that
deletes 第二条 renumbers every later article; see :func:`_pair_outline`), and
are compared through :func:`domain.normalize.comparison_key`, so that
full/half width, whitespace and glyph variants are *editorial* changes that
never ask anyone to sign again.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from domain.canonical import table_row_text
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
    # (old anchor, new anchor) of clauses whose text is unchanged but whose number moved:
    # not a change to sign again, but an old permalink now points elsewhere.
    renumbered: tuple[tuple[str, str], ...] = ()
    # The same words in the same order, only split into clauses differently (an importer
    # that recovers the structure better, a title now separated from its body): editorial.
    restructured: bool = False

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
    rows = [table_row_text(row) for table in section.tables for row in table]
    return "\n".join(p for p in (" ".join(p for p in (section.title, section.text) if p), *rows) if p)


# What is left of a text when its division into clauses is forgotten: letters, digits and
# Chinese characters only (punctuation moves when a run-in title is split from its body).
_NOT_WORDS = re.compile(r"[\W_]+")


def _shape(document: Document) -> list[tuple[int, str, str, str]]:
    """The outline without its text: what a different structure recovery changes."""
    return [(s.level, s.number, s.title, s.anchor) for s in document.walk()]


def _words(text: str) -> str:
    return _NOT_WORDS.sub("", comparison_key(text))


def flat_words(document: Document) -> str:
    """The document's words in reading order, without structure, numbers' punctuation or spacing.

    Job descriptions are left out: the importer extracts them from the text, so they are a
    view of words already counted (see :func:`_jobs_are_views`).
    """
    parts = [document.title, document.preamble]
    for section in document.walk():
        parts += [section.number, _clause_text(section)]
    return _words("".join(parts))


def _jobs_are_views(document: Document, words: str) -> bool:
    """Every field of every job description is words of the text itself."""
    return all(
        _words(text) in words
        for job in document.job_descriptions
        for text in (job.summary or "", *job.responsibilities, *job.authorities, *job.qualifications)
    )


def _restructured(old: Document, new: Document) -> bool:
    """The same words in the same order, only recovered as another outline (or jobs extracted anew)."""
    old_words, new_words = flat_words(old), flat_words(new)
    if old_words != new_words:
        return False
    same_jobs = [_fixed_entries(old)[a].key for a in _fixed_entries(old) if a.startswith("岗位-")] == [
        _fixed_entries(new)[a].key for a in _fixed_entries(new) if a.startswith("岗位-")
    ]
    return same_jobs or (_jobs_are_views(old, old_words) and _jobs_are_views(new, new_words))


@dataclass(frozen=True)
class _Entry:
    """One comparable unit of a document: a node, the title, the preamble or a job."""

    anchor: str
    label: str
    text: str
    key: str  # comparison_key(text): formatting differences removed


def _entry(anchor: str, label: str, text: str) -> _Entry:
    return _Entry(anchor, label, text, comparison_key(text))


def _fixed_entries(document: Document) -> dict[str, _Entry]:
    """anchor → entry for the title, the preamble and every job: matched by key only."""
    entries = {TITLE_ANCHOR: _entry(TITLE_ANCHOR, "标题", document.title)}
    if document.preamble:
        entries[PREAMBLE_ANCHOR] = _entry(PREAMBLE_ANCHOR, "前言", document.preamble)
    for job in document.job_descriptions:
        fields = [job.summary or "", *job.responsibilities, *job.authorities, *job.qualifications]
        anchor = f"岗位-{job.slug}"
        entries[anchor] = _entry(anchor, f"岗位：{job.title}", "\n".join(f for f in fields if f))
    return entries


def _outline_entries(document: Document) -> list[_Entry]:
    """The outline in reading order (pre-order)."""
    return [
        _entry(s.anchor or f"_{s.level}_{s.title}", s.number or s.title, _clause_text(s))
        for s in document.walk()
    ]


# Two clauses in a changed stretch are "the same clause, edited" from this similarity on.
SIMILAR = 0.6
# Above this many candidate pairs in one stretch, pair by anchor only (the rest is slow and moot).
_MAX_PAIRS = 2500

_Pair = tuple[_Entry | None, _Entry | None]


def _pair_outline(old: list[_Entry], new: list[_Entry]) -> list[_Pair]:
    """Align two outlines by content, not by number.

    Real revisions renumber: deleting 第二条 turns 第三条 into 第二条.  Matching
    by anchor alone would then report every later clause as changed.  So the
    outlines are aligned on their comparison keys first; only in the stretches
    that differ are clauses paired, by similar text, else by equal anchor.
    """
    matcher = difflib.SequenceMatcher(a=[e.key for e in old], b=[e.key for e in new], autojunk=False)
    pairs: list[_Pair] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += zip(old[i1:i2], new[j1:j2], strict=True)
        else:
            pairs += _pair_stretch(old[i1:i2], new[j1:j2])
    return pairs


def _pair_stretch(olds: list[_Entry], news: list[_Entry]) -> list[_Pair]:
    """Pair a differing stretch: most similar first, then same anchor; the rest added/removed."""
    matched: dict[int, int] = {}  # old index → new index
    if len(olds) * len(news) <= _MAX_PAIRS:
        scored = []
        for i, o in enumerate(olds):
            for j, n in enumerate(news):
                m = difflib.SequenceMatcher(a=o.key, b=n.key, autojunk=False)
                if (
                    m.real_quick_ratio() >= SIMILAR
                    and m.quick_ratio() >= SIMILAR
                    and (r := m.ratio()) >= SIMILAR
                ):
                    scored.append((-r, i, j))
        for _, i, j in sorted(scored):
            if i not in matched and j not in matched.values():
                matched[i] = j
    by_anchor = {n.anchor: j for j, n in enumerate(news)}
    for i, o in enumerate(olds):
        j = by_anchor.get(o.anchor, -1)
        if i not in matched and j >= 0 and j not in matched.values():
            matched[i] = j
    removed: list[_Pair] = [(o, None) for i, o in enumerate(olds) if i not in matched]
    old_of = {j: olds[i] for i, j in matched.items()}
    return removed + [(old_of.get(j), n) for j, n in enumerate(news)]


def _is_renumbered(old: _Entry, new: _Entry) -> bool:
    return old.anchor != new.anchor and not old.anchor.startswith("_") and not new.anchor.startswith("_")


def diff_documents(old: Document | None, new: Document | None) -> DocumentDiff:
    """The clause changes from ``old`` to ``new`` (either may be absent)."""
    if old is None and new is None:
        raise ValueError("diff_documents needs at least one document")
    if old is None:
        assert new is not None
        return DocumentDiff(new.slug, new.title, "added")
    if new is None:
        return DocumentDiff(old.slug, old.title, "removed")

    before, after = _fixed_entries(old), _fixed_entries(new)
    pairs: list[_Pair] = [
        (before.get(a), after.get(a)) for a in [*before, *(a for a in after if a not in before)]
    ]
    pairs += _pair_outline(_outline_entries(old), _outline_entries(new))
    changes: list[ClauseChange] = []
    renumbered: list[tuple[str, str]] = []
    editorial = 0
    for old_entry, new_entry in pairs:
        if old_entry is None:
            assert new_entry is not None
            changes.append(ClauseChange("added", new_entry.anchor, new_entry.label, "", new_entry.text))
        elif new_entry is None:
            changes.append(ClauseChange("removed", old_entry.anchor, old_entry.label, old_entry.text, ""))
        else:
            moved = _is_renumbered(old_entry, new_entry)
            if old_entry.key != new_entry.key:
                label = f"{new_entry.label}（原{old_entry.label}）" if moved else new_entry.label
                spans = inline_spans(old_entry.text, new_entry.text)
                changes.append(
                    ClauseChange("changed", new_entry.anchor, label, old_entry.text, new_entry.text, spans)
                )
            else:
                editorial += old_entry.text != new_entry.text
                if moved:
                    renumbered.append((old_entry.anchor, new_entry.anchor))
    reshaped = _shape(old) != _shape(new) or old.job_descriptions != new.job_descriptions
    if (changes or editorial or renumbered) and reshaped and _restructured(old, new):
        return DocumentDiff(new.slug, new.title, "unchanged", (), editorial + len(changes), (), restructured=True)
    status: Literal["changed", "unchanged"] = "changed" if changes else "unchanged"
    return DocumentDiff(new.slug, new.title, status, tuple(changes), editorial, tuple(renumbered))


def diff_releases(old: Release | None, new: Release) -> ReleaseDiff:
    """Document by document, in the new release's order, then the removed ones."""
    old_docs = {d.slug: d for d in old.documents} if old else {}
    new_slugs = {d.slug for d in new.documents}
    diffs = [diff_documents(old_docs.get(d.slug), d) for d in new.documents]
    diffs += [diff_documents(d, None) for slug, d in old_docs.items() if slug not in new_slugs]
    return ReleaseDiff(old.version if old else None, new.version, tuple(diffs))
