"""Pages: a regulation, a job description and the home page as Markdown text (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from domain import urls
from domain.model import Document, Handbook, JobDescription, Section, SectionKind, SourceRef, Table
from knowledge.xrefs import Reference, cross_references
from publishing.markdown.escaping import escape_cell, escape_inline, escape_lines, safe_anchor
from publishing.markdown.front_matter import (
    DRAFT,
    GENERATOR,
    PageInfo,
    front_matter,
    release_fields,
    source_fields,
)
from publishing.markdown.links import NO_LINKS, DocumentLinks, cited_by_line, linked_lines, links_for
from publishing.markdown.names import HANDBOOK_TITLE, INDEX_PAGE, KIND_LABELS, ORG_CHART_FILE
from publishing.markdown.org_chart import render_org_chart

# Kinds rendered as headings even without a title: the outline's big divisions.
_DIVISION_KINDS = frozenset({SectionKind.PART, SectionKind.CHAPTER, SectionKind.SECTION})


def _heading_text(section: Section) -> str:
    """``第二章 营销中心案场管理``, ``二、部门职能``: a space only after a word-like number."""
    if not section.number:
        return section.title
    if not section.title:
        return section.number
    glue = "" if section.number[-1] in "、.．)）:：" else " "
    return f"{section.number}{glue}{section.title}"


def _is_heading(section: Section) -> bool:
    return bool(section.title) or section.kind in _DIVISION_KINDS


def _paragraphs(text: str, refs: Sequence[Reference] = (), links: DocumentLinks = NO_LINKS) -> list[str]:
    return [f"{line}\n" for line in linked_lines(text, refs, links.hrefs)]


def render_table(table: Table) -> str:
    """A Markdown table; the first row is the header (Markdown needs one)."""
    if not table:
        return ""
    width = max(len(row) for row in table)
    rows = [[escape_cell(c) for c in row] + [" "] * (width - len(row)) for row in table]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines) + "\n"


def _render_section(section: Section, anchor: str, links: DocumentLinks = NO_LINKS) -> list[str]:
    """The blocks of one node (without its children), each ending in a newline."""
    blocks: list[str] = []
    refs = links.outgoing.get(section.anchor, ())
    if _is_heading(section):
        marks = "#" * min(section.level + 1, 6)
        attr = f" {{#{anchor}}}" if anchor else ""
        blocks.append(f"{marks} {escape_inline(_heading_text(section))}{attr}\n")
        blocks += _paragraphs(section.text, refs, links)
    elif not section.number:
        # Neither number nor title: body text of its own (rare), anchored if it has one.
        lines = linked_lines(section.text, refs, links.hrefs)
        if lines and anchor:
            lines[0] += f"\n{{: #{anchor} }}"
        blocks += [f"{line}\n" for line in lines]
    else:
        lines = linked_lines(section.text, refs, links.hrefs)
        number = escape_inline(section.number)
        # The number links to its own anchor: the reader's permalink, no JavaScript needed.
        lead = f"[**{number}**](<#{anchor}>)" if anchor else f"**{number}**"
        first = f"{lead} {lines[0]}" if lines else lead
        css = "clause" if section.kind == SectionKind.ARTICLE else f"clause item level-{section.level}"
        attr = f"\n{{: #{anchor} .{css.replace(' ', ' .')} }}" if anchor else ""
        blocks.append(f"{first}{attr}\n")
        blocks += [f"{line}\n" for line in lines[1:]]
    blocks += [render_table(t) for t in section.tables if t]
    cited = cited_by_line(section.anchor, links)
    return [*blocks, cited] if cited else blocks


def _unique_anchors(document: Document) -> dict[int, str]:
    """id(section) → the HTML id; a repeated anchor gets ``-2``, ``-3`` (HTML ids must be unique)."""
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for section in document.walk():
        anchor = safe_anchor(section.anchor)
        if not anchor:
            continue
        seen[anchor] = seen.get(anchor, 0) + 1
        out[id(section)] = anchor if seen[anchor] == 1 else f"{anchor}-{seen[anchor]}"
    return out


def document_front_matter(document: Document, info: PageInfo = DRAFT, order: int | None = None) -> str:
    return front_matter(
        {
            "title": document.title,
            "slug": document.slug,
            "kind": document.kind,
            **source_fields(document.source),
            **release_fields(info),
            "order": order,
            "generator": GENERATOR,
        }
    )


def render_document(
    document: Document,
    *,
    info: PageInfo = DRAFT,
    order: int | None = None,
    job_links: Mapping[str, str] | None = None,
    xref_links: DocumentLinks = NO_LINKS,
) -> str:
    """One document as a page: front matter, title, preamble, outline, its jobs.

    ``job_links`` maps a job slug to the relative link of its page, for the
    list of job descriptions found in this document.
    """
    anchors = _unique_anchors(document)
    blocks = [f"# {escape_inline(document.title)}\n"]
    blocks += _paragraphs(document.preamble, xref_links.outgoing.get("", ()), xref_links)
    for section in document.walk():
        blocks += _render_section(section, anchors.get(id(section), ""), xref_links)
    if document.job_descriptions:
        blocks.append("## 本文件中的岗位说明书 {#岗位说明书}\n")
        links = job_links or {}
        items = [
            f"- [{escape_inline(job.title)}]({links[job.slug]})"
            if job.slug in links
            else f"- {escape_inline(job.title)}"
            for job in document.job_descriptions
        ]
        blocks.append("\n".join(items) + "\n")
    return document_front_matter(document, info, order) + "\n" + "\n".join(blocks)


_JOB_LIST_FIELDS = (
    ("岗位职责", "responsibilities"),
    ("权限", "authorities"),
    ("任职资格", "qualifications"),
)


def _numbered_list(items: Sequence[str]) -> str:
    """An ordered list; each item's lines are joined by a hard line break."""
    return "".join(f"{i}. {'<br>'.join(escape_lines(item)) or ' '}\n" for i, item in enumerate(items, 1))


def render_job(
    job: JobDescription,
    *,
    info: PageInfo = DRAFT,
    source: SourceRef | None = None,
    order: int | None = None,
    job_links: Mapping[str, str] | None = None,
) -> str:
    """One page per job description: 部门/直接上级/直接下级/岗位概述/岗位职责/权限/任职资格.

    ``job_links`` maps a job *title* to the relative link of its page, so that
    直接上级 and 直接下级 link to their own pages when they have one.
    """
    links = job_links or {}

    def person(name: str) -> str:
        return f"[{escape_inline(name)}]({links[name]})" if name in links else escape_inline(name)

    meta = front_matter(
        {
            "title": job.title,
            "slug": job.slug,
            "kind": "job",
            "department": job.department,
            "reports_to": job.reports_to,
            "document": job.document_slug or None,
            **source_fields(source or SourceRef("", "")),
            **release_fields(info),
            "order": order,
            "generator": GENERATOR,
        }
    )
    facts = [
        ("部门", escape_inline(job.department) if job.department else "—"),
        ("直接上级", person(job.reports_to) if job.reports_to else "—"),
        ("直接下级", "、".join(person(s) for s in job.subordinates) if job.subordinates else "—"),
    ]
    blocks = [f"# {escape_inline(job.title)}\n"]
    blocks.append("| 项目 | 内容 |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in facts))
    if job.summary:
        blocks.append("## 岗位概述 {#岗位概述}\n")
        blocks += _paragraphs(job.summary)
    for label, attr in _JOB_LIST_FIELDS:
        items: tuple[str, ...] = getattr(job, attr)
        if items:
            blocks.append(f"## {label} {{#{label}}}\n")
            blocks.append(_numbered_list(items))
    return meta + "\n" + "\n".join(blocks)


def render_index(
    documents: Sequence[Document],
    jobs: Sequence[JobDescription],
    *,
    info: PageInfo = DRAFT,
    title: str = HANDBOOK_TITLE,
) -> str:
    """The home page: what the handbook holds, by kind, with links (relative to ``index.md``)."""
    meta = front_matter({"title": title, "kind": "index", **release_fields(info), "generator": GENERATOR})
    blocks = [f"# {escape_inline(title)}\n"]
    if info.version:
        named = f"（{escape_inline(info.release_title)}）" if info.release_title else ""
        effective = f"，{info.effective.isoformat()} 起施行" if info.effective else ""
        blocks.append(f"版本 {escape_inline(info.version)}{named}{effective}。\n")
    if documents:
        blocks.append("## 制度 {#制度}\n")
        blocks.append(
            "".join(
                f"- [{escape_inline(d.title)}]({urls.document_source_path(d)})（{KIND_LABELS[d.kind]}）\n"
                for d in documents
            )
        )
    if jobs:
        blocks.append("## 岗位说明书 {#岗位说明书}\n")
        blocks.append(
            "".join(f"- [{escape_inline(j.title)}]({urls.job_source_path(j.slug)})\n" for j in jobs)
        )
        blocks.append(f"另见 [组织架构]({ORG_CHART_FILE})。\n")
    return meta + "\n" + "\n".join(blocks)


def _relative(from_file: str, to_file: str) -> str:
    """A Markdown link from one docs-relative file to another (both POSIX paths)."""
    up = "../" * from_file.count("/")
    return up + to_file


def render_handbook(
    handbook: Handbook, *, info: PageInfo = DRAFT, title: str = HANDBOOK_TITLE
) -> dict[str, str]:
    """Every generated page: docs-relative POSIX path → Markdown text."""
    jobs = _unique_jobs(handbook.job_descriptions())
    sources = {d.slug: d.source for d in handbook.documents}
    pages: dict[str, str] = {}
    xrefs = cross_references(handbook.documents)
    for order, document in enumerate(handbook.documents, 1):
        path = urls.document_source_path(document)
        links = {j.slug: _relative(path, urls.job_source_path(j.slug)) for j in document.job_descriptions}
        pages[path] = render_document(
            document,
            info=info,
            order=order,
            job_links=links,
            xref_links=links_for(document, xrefs, handbook.documents),
        )
    for order, job in enumerate(jobs, 1):
        path = urls.job_source_path(job.slug)
        title_links = {j.title: _relative(path, urls.job_source_path(j.slug)) for j in jobs}
        pages[path] = render_job(
            job, info=info, source=sources.get(job.document_slug), order=order, job_links=title_links
        )
    pages[ORG_CHART_FILE] = render_org_chart(
        jobs, info=info, job_links={j.title: urls.job_source_path(j.slug) for j in jobs}
    )
    pages[INDEX_PAGE] = render_index(handbook.documents, jobs, info=info, title=title)
    return pages


def _unique_jobs(jobs: Iterable[JobDescription]) -> list[JobDescription]:
    """Jobs with a slug, first one wins: one page per slug."""
    out: dict[str, JobDescription] = {}
    for job in jobs:
        if job.slug:
            out.setdefault(job.slug, job)
    return list(out.values())
