"""Cross-references as Markdown: links inside a clause's text and the 被引用 line under a cited clause.

The text around a link is escaped exactly as any imported text (:mod:`.escaping`); only the link syntax
the writer adds is live.  Links point at the Markdown file of the target (``regulations/<slug>.md#第十条``),
which MkDocs turns into the page's URL, so they follow the site wherever it is served.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain import urls
from domain.model import ClauseRef, Document
from knowledge.xrefs import CrossReferences, Reference
from publishing.markdown.escaping import escape_inline, escape_lines, safe_anchor

# Private-use characters mark where a link goes while the line is escaped: the escaper leaves them alone and
# imported text has none (the cleaner drops private-use characters, reported).
_OPEN, _CLOSE = "\ue000", "\ue001"


@dataclass(frozen=True)
class DocumentLinks:
    """What one page needs: its outgoing links by the citing clause's anchor, and who cites its clauses."""

    outgoing: Mapping[str, Sequence[Reference]]
    cited_by: Mapping[str, Sequence[Reference]]
    hrefs: Mapping[ClauseRef, str]
    labels: Mapping[ClauseRef, str]


NO_LINKS = DocumentLinks({}, {}, {}, {})


def links_for(document: Document, xrefs: CrossReferences, documents: Sequence[Document]) -> DocumentLinks:
    """The links of ``document``'s page, hrefs relative to that page's Markdown file."""
    by_slug = {d.slug: d for d in documents}
    here = urls.document_source_path(document)
    outgoing: dict[str, list[Reference]] = {}
    for ref in xrefs.outgoing(document.slug):
        if ref.target is not None:
            outgoing.setdefault(ref.source.anchor, []).append(ref)
    cited: dict[str, list[Reference]] = {}
    for target in xrefs.cited_targets():
        if target.document_slug == document.slug and target.anchor:
            cited[target.anchor] = list(_one_per_source(xrefs.cited_by(target)))
    refs = {r.target for rs in outgoing.values() for r in rs if r.target} | {
        r.source for rs in cited.values() for r in rs
    }
    hrefs = {ref: _href(here, ref, by_slug) for ref in refs if ref.document_slug in by_slug}
    labels = {ref: _label(ref, document, by_slug) for ref in refs if ref.document_slug in by_slug}
    return DocumentLinks(outgoing, cited, hrefs, labels)


def linked_lines(text: str, refs: Sequence[Reference], hrefs: Mapping[ClauseRef, str]) -> list[str]:
    """``text``'s lines escaped, each resolved reference in it a link to its clause."""
    spans = sorted(
        ((r.start, r.end, hrefs[r.target]) for r in refs if r.target is not None and r.target in hrefs),
        key=lambda s: s[0],
    )
    if not spans:
        return escape_lines(text)
    marked, targets, position = [], [], 0
    for start, end, href in spans:
        if start < position:
            continue  # overlapping mentions: the first one wins
        marked += [text[position:start], _OPEN, text[start:end], _CLOSE]
        targets.append(href)
        position = end
    marked.append(text[position:])
    lines = escape_lines("".join(marked))
    hrefs_left = iter(targets)
    return [_fill_links(line, hrefs_left) for line in lines]


def cited_by_line(anchor: str, links: DocumentLinks) -> str:
    """``被引用：[第八条](<#第八条>)、[《…》第五条](…)`` for a cited clause, or ``""``."""
    refs = links.cited_by.get(anchor, ())
    items = [
        f"[{escape_inline(links.labels[r.source])}](<{links.hrefs[r.source]}>)"
        for r in refs
        if r.source in links.hrefs
    ]
    return f"被引用：{'、'.join(items)}\n{{: .cited-by }}\n" if items else ""


def _fill_links(line: str, hrefs: object) -> str:
    out, rest = [], line
    while _OPEN in rest:
        before, _, rest = rest.partition(_OPEN)
        label, _, rest = rest.partition(_CLOSE)
        out += [before, f"[{label}](<{next(hrefs)}>)"]  # type: ignore[call-overload]
    return "".join(out) + rest


def _one_per_source(refs: Sequence[Reference]) -> list[Reference]:
    seen: set[ClauseRef] = set()
    out = []
    for ref in refs:
        if ref.source not in seen:
            seen.add(ref.source)
            out.append(ref)
    return out


def _href(here: str, ref: ClauseRef, by_slug: Mapping[str, Document]) -> str:
    anchor = f"#{safe_anchor(ref.anchor)}" if ref.anchor else ""
    target = by_slug[ref.document_slug]
    if urls.document_source_path(target) == here:
        return anchor or "#"
    up = "../" * here.count("/")
    return f"{up}{urls.document_source_path(target)}{anchor}"


def _label(ref: ClauseRef, page: Document, by_slug: Mapping[str, Document]) -> str:
    document = by_slug[ref.document_slug]
    section = document.find(ref.anchor) if ref.anchor else None
    own = (section.number or section.label) if section is not None else ("序言" if ref.anchor == "" else ref.anchor)
    return own if document.slug == page.slug else f"《{document.title}》{own}"
