"""Structure recovery: a source's blocks → documents with outlines and job descriptions.

The heart of the importer, as one readable chain of pure steps:

    clean lines → split into documents → per document: take out the table
    of contents, drop repeated preview lines, rejoin broken lines, build the
    outline, split titles from bodies, give anchors, find job descriptions,
    decide the kind.

Every step returns a :class:`~importers.results.Result` whose messages say
what it dropped or changed, and :func:`recover_documents` keeps them per
document (a ``Result[Document]``) so that the import report can say, for
each document, what happened to its text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from domain.model import (
    Document,
    DocumentKind,
    Dropped,
    Section,
    SectionKind,
    SourceRef,
)
from importers import jobs
from importers.anchors import assign_anchors, unique_slugs
from importers.blocks import Block
from importers.cleaning import clean_blocks, rejoin_broken_lines
from importers.numbering import match_marker
from importers.outline import MAX_UNNUMBERED_HEADING, Node, build_outline, split_titles
from importers.results import Message, Result, Warned, combine, warned
from importers.splitting import DocumentPart, is_title_line, split_documents
from importers.toc import extract_toc, extract_word_toc

REASON_REPEATED_TEXT = "与前文重复的预览文字"
_LEADER_AFTER_NUMBER_RE = re.compile(r"^\s*(?:\.{3,}|…+|·{3,})")
_MIN_REPEATED_TEXT = 20


RecoveredDocument = Result[Document]
"""One document and what its recovery dropped or changed (its warnings are the document's own)."""


@dataclass(frozen=True)
class SourceRecovery:
    """The documents of one source file, each with its messages, and the messages of no document.

    ``loose`` is about text outside every document (before the first); the
    pipeline joins the sources' recoveries into one handbook.
    """

    documents: tuple[RecoveredDocument, ...]
    loose: tuple[Message, ...] = ()


def recover(blocks: Sequence[Block], source: SourceRef) -> Result[list[Document]]:
    """The documents found in ``blocks``, with everything dropped, changed or warned about on the way."""
    recovery = recover_documents(blocks, source)
    documents = combine(recovery.documents)
    document_warnings = warned(w for document in documents.value for w in document.warnings)
    return Result(documents.value, (*recovery.loose, *documents.messages, *document_warnings))


def recover_documents(blocks: Sequence[Block], source: SourceRef) -> SourceRecovery:
    cleaned = clean_blocks(blocks)
    # Word's own table of contents goes first: its lines look like titles.
    word_toc = extract_word_toc(cleaned.value)
    all_parts = split_documents(word_toc.value.blocks)
    parts = [p for p in all_parts if p.blocks]
    stem = PurePath(source.file_name).stem or "document"
    titles = [p.title or stem for p in parts]
    slugs = unique_slugs(titles)
    built = [
        _build_document(part, title, slug, source)
        for part, title, slug in zip(parts, titles, slugs, strict=True)
    ]
    # Titles of empty documents (a title line with no text) are reported, not lost.
    orphan_dropped = [d for p in all_parts if not p.blocks for d in p.dropped]
    return _attribute(blocks, parts, built, (*cleaned.messages, *word_toc.messages, *orphan_dropped))


def _attribute(
    blocks: Sequence[Block],
    parts: list[DocumentPart],
    built: list[RecoveredDocument],
    records: Sequence[Message],
) -> SourceRecovery:
    """Give each record of the whole source to the document whose lines it came from.

    A warning names no line: it stays with the source (``loose``).
    """
    order = {block.source: i for i, block in enumerate(blocks)}
    starts = [order.get(p.title_source, order.get(p.blocks[0].source, 0)) for p in parts]

    def owner(source: str) -> int | None:
        position = order.get(source)
        if position is None:
            return None
        index = bisect.bisect_right(starts, position) - 1
        return index if index >= 0 else None

    per_document: list[list[Message]] = [[] for _ in built]
    loose: list[Message] = []
    for record in records:
        index = None if isinstance(record, Warned) else owner(record.source)
        (per_document[index] if index is not None else loose).append(record)
    documents = tuple(
        Result(recovered.value, (*per_document[i], *recovered.messages)) for i, recovered in enumerate(built)
    )
    return SourceRecovery(documents, tuple(loose))


def _build_document(part: DocumentPart, title: str, slug: str, source: SourceRef) -> RecoveredDocument:
    toc = extract_toc(part.blocks)
    lines = (
        toc.map(lambda found: found.blocks)
        .then(_drop_repeated_preview_lines)
        .then(lambda kept: rejoin_broken_lines(kept, _is_heading_line))
    )
    outline = build_outline(lines.value)
    split_titles(outline, toc.value.titles)
    warnings = [*outline.warnings, *assign_anchors(outline.roots)]
    sections = tuple(_freeze(node, 1) for node in outline.roots)
    preamble = "\n".join(outline.preamble)
    found = jobs.extract_jobs(sections, slug, preamble=preamble, document_title=title)
    document = Document(
        slug=slug,
        title=title,
        kind=_kind(title, sections, found),
        preamble=preamble,
        sections=sections,
        source=source,
        job_descriptions=found.jobs,
        warnings=tuple(warnings),
    )
    return Result(document, (*part.dropped, *lines.messages))


def _is_heading_line(text: str) -> bool:
    """Title lines and short unpunctuated lines: never joined to their neighbours."""
    return is_title_line(text) or (
        len(text) <= MAX_UNNUMBERED_HEADING and not any(c in "。，；：" for c in text)
    )


def _drop_repeated_preview_lines(blocks: Sequence[Block]) -> Result[list[Block]]:
    """``第一条...营销部管理制度总纲根据…``: a preview line (number, dot leader) repeating earlier text."""
    kept: list[Block] = []
    dropped: list[Dropped] = []
    seen = ""
    for block in blocks:
        marker = match_marker(block.text, 0, allow_latin=False)
        rest = block.text[marker.end :] if marker else block.text
        leader = _LEADER_AFTER_NUMBER_RE.match(rest)
        body = rest[leader.end() :].strip() if leader else ""
        if leader and len(body) >= _MIN_REPEATED_TEXT and body[:_MIN_REPEATED_TEXT] in seen:
            dropped.append(Dropped(block.text, REASON_REPEATED_TEXT, block.source))
            continue
        kept.append(block)
        seen += block.text
    return Result(kept, tuple(dropped))


def _freeze(node: Node, level: int) -> Section:
    return Section(
        level=level,
        number=node.number,
        title=node.title,
        text=node.body,
        kind=_section_kind(node),
        anchor=node.anchor,
        children=tuple(_freeze(child, level + 1) for child in node.children),
        tables=tuple(node.tables),
    )


def _section_kind(node: Node) -> SectionKind:
    # A Word heading's number says what it is (第一章 → chapter); its outline level only placed it.
    kind = node.marker.system.kind if node.marker is not None else node.system.kind
    if kind in (SectionKind.HEADING, SectionKind.ITEM):
        return SectionKind.HEADING if node.title else SectionKind.ITEM
    return kind


def _kind(title: str, sections: tuple[Section, ...], found: jobs.FoundJobs) -> DocumentKind:
    nodes = [s for top in sections for s in top.walk()]
    if found.consumed:  # jobs only named (org chart, 岗位设置) do not make a document a job description
        share = len(found.consumed) / max(1, len(nodes))
        if share >= 0.9 or "说明书" in title:
            return "job-descriptions"
        return "mixed"
    if "手册" in title or any(s.kind is SectionKind.PART for s in nodes):
        return "handbook"
    return "regulation"
