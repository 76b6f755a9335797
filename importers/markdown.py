"""The Markdown writer: the domain model as MkDocs pages under ``handbook/``.

Pure functions turn a :class:`~domain.model.Document`, a
:class:`~domain.model.JobDescription` or a list of jobs into Markdown text;
:func:`write_handbook` is the one function that touches files.

Two promises matter to every other stage:

* **Stable anchors.**  Every numbered node gets its ``Section.anchor`` as its
  HTML id (``{#第二章}`` on headings, ``{: #第十条 .clause }`` on plain
  clauses, via the ``attr_list`` extension), so a permalink survives
  re-imports and releases.
* **Imported text is inert.**  Source text is escaped so that nothing in it
  is read as Markdown or HTML (``<script>``, ``*``, a ``#`` or ``1.`` at the
  start of a line, ``|`` in a table cell, ``{:`` …).  What HR typed is what
  the page shows.

Output is deterministic: the same model gives the same bytes, which is what
the importer's re-import test checks.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from domain import urls
from domain.model import Document, Handbook, JobDescription, Section, SectionKind, SourceRef, Table

GENERATOR = "policy-handbook"
INDEX_PAGE = "index.md"
ORG_CHART_FILE = urls.ORG_CHART_PAGE.rstrip("/") + ".md"  # org-chart/ → org-chart.md
HANDBOOK_TITLE = "管理制度手册"

KIND_LABELS: dict[str, str] = {
    "regulation": "制度",
    "handbook": "手册",
    "job-descriptions": "岗位说明书",
    "mixed": "综合",
}

# Kinds rendered as headings even without a title: the outline's big divisions.
_DIVISION_KINDS = frozenset({SectionKind.PART, SectionKind.CHAPTER, SectionKind.SECTION})

# ---------------------------------------------------------------- escaping

# Characters that Python-Markdown (with our extensions) reads as syntax
# anywhere in a line.  ``|`` is escapable once the tables extension is on;
# ``#`` is escaped everywhere because trailing hashes close an ATX heading.
_INLINE_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "{": "\\{",
        "}": "\\}",
        "[": "\\[",
        "]": "\\]",
        "#": "\\#",
        "!": "\\!",
        "|": "\\|",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)
# Line starts that open a block: lists (- + 1.), fences (~~~), rules (---).  A setext
# ``===`` needs a text line above it in the same block, which one-line paragraphs never have.
_ORDERED_LIST_START = re.compile(r"^(\d+)([.)])")
_SPACE_RUN = re.compile(r"[ \t\u00a0]+")


def escape_inline(text: str) -> str:
    """Escape one line of source text so that Markdown and HTML read it literally."""
    text = _SPACE_RUN.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()
    text = text.translate(_INLINE_ESCAPES)
    if text[:1] in ("-", "+", "~"):
        # ``~`` is not a Markdown escape: an entity keeps a ~~~ fence from opening.
        text = "&#126;" + text[1:] if text[0] == "~" else "\\" + text
    return _ORDERED_LIST_START.sub(r"\1\\\2", text)


def escape_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, each escaped: one Markdown paragraph per line.

    A source line is a paragraph of its own (not a soft break) because a soft
    break renders as a space, which Chinese text does not have.
    """
    return [escape_inline(line) for line in text.splitlines() if line.strip()]


def escape_cell(text: str) -> str:
    """A table cell: escaped, and line breaks kept as ``<br>`` (a cell is one line)."""
    return "<br>".join(escape_lines(text)) or " "


def safe_anchor(anchor: str) -> str:
    """An id that attr_list can carry: no spaces, braces, quotes or ``=``.

    The importer's anchors are already like this; this only guards the syntax.
    """
    return re.sub(r"[\s{}=\"'#<>&]+", "-", anchor.strip()).strip("-")


# ------------------------------------------------------------ front matter


@dataclass(frozen=True)
class PageInfo:
    """Release facts printed in every page's front matter (None = a draft)."""

    version: str | None = None
    effective: dt.date | None = None
    release_title: str | None = None


def front_matter(data: Mapping[str, Any]) -> str:
    """YAML front matter, keys in the given order, values dropped when None.

    ``title`` is stored HTML-escaped: MkDocs and Material put the page title
    into ``<title>``, the nav and the search index without escaping it.
    """
    clean = {k: v for k, v in data.items() if v is not None}
    if isinstance(clean.get("title"), str):
        clean["title"] = html.escape(clean["title"], quote=True)
    body = yaml.safe_dump(clean, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
    return f"---\n{body}---\n"


def _release_fields(info: PageInfo) -> dict[str, Any]:
    return {
        "version": info.version,
        "effective": info.effective.isoformat() if info.effective else None,
    }


def _source_fields(source: SourceRef) -> dict[str, Any]:
    return {
        "source": {"file": source.file_name, "sha256": source.sha256} if source.file_name else None,
        "tool": source.tool_version or None,
    }


# --------------------------------------------------------------- documents


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


def _paragraphs(text: str) -> list[str]:
    return [f"{line}\n" for line in escape_lines(text)]


def render_table(table: Table) -> str:
    """A Markdown table; the first row is the header (Markdown needs one)."""
    if not table:
        return ""
    width = max(len(row) for row in table)
    rows = [[escape_cell(c) for c in row] + [" "] * (width - len(row)) for row in table]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines) + "\n"


def _render_section(section: Section, anchor: str) -> list[str]:
    """The blocks of one node (without its children), each ending in a newline."""
    blocks: list[str] = []
    if _is_heading(section):
        marks = "#" * min(section.level + 1, 6)
        attr = f" {{#{anchor}}}" if anchor else ""
        blocks.append(f"{marks} {escape_inline(_heading_text(section))}{attr}\n")
        blocks += _paragraphs(section.text)
    elif not section.number:
        # Neither number nor title: body text of its own (rare), anchored if it has one.
        lines = escape_lines(section.text)
        if lines and anchor:
            lines[0] += f"\n{{: #{anchor} }}"
        blocks += [f"{line}\n" for line in lines]
    else:
        lines = escape_lines(section.text)
        number = escape_inline(section.number)
        # The number links to its own anchor: the reader's permalink, no JavaScript needed.
        lead = f"[**{number}**](<#{anchor}>)" if anchor else f"**{number}**"
        first = f"{lead} {lines[0]}" if lines else lead
        css = "clause" if section.kind == SectionKind.ARTICLE else f"clause item level-{section.level}"
        attr = f"\n{{: #{anchor} .{css.replace(' ', ' .')} }}" if anchor else ""
        blocks.append(f"{first}{attr}\n")
        blocks += [f"{line}\n" for line in lines[1:]]
    blocks += [render_table(t) for t in section.tables if t]
    return blocks


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


def document_front_matter(document: Document, info: PageInfo = PageInfo(), order: int | None = None) -> str:
    return front_matter(
        {
            "title": document.title,
            "slug": document.slug,
            "kind": document.kind,
            **_source_fields(document.source),
            **_release_fields(info),
            "order": order,
            "generator": GENERATOR,
        }
    )


def render_document(
    document: Document,
    *,
    info: PageInfo = PageInfo(),
    order: int | None = None,
    job_links: Mapping[str, str] | None = None,
) -> str:
    """One document as a page: front matter, title, preamble, outline, its jobs.

    ``job_links`` maps a job slug to the relative link of its page, for the
    list of job descriptions found in this document.
    """
    anchors = _unique_anchors(document)
    blocks = [f"# {escape_inline(document.title)}\n"]
    blocks += _paragraphs(document.preamble)
    for section in document.walk():
        blocks += _render_section(section, anchors.get(id(section), ""))
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


# -------------------------------------------------------------------- jobs

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
    info: PageInfo = PageInfo(),
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
            **_source_fields(source or SourceRef("", "")),
            **_release_fields(info),
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


# --------------------------------------------------------------- org chart

_MERMAID_ESCAPES = (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("&", "#amp;"))


def mermaid_label(text: str) -> str:
    """A label safe inside ``["…"]``: Mermaid entity codes for its syntax characters."""
    text = " ".join(text.split())
    for raw, code in _MERMAID_ESCAPES:
        text = text.replace(raw, code)
    return text


def _org_names(jobs: Sequence[JobDescription]) -> list[str]:
    """Every person/role named, in order of first appearance (stable node ids)."""
    names: dict[str, None] = {}
    for job in jobs:
        for name in (job.reports_to, job.title, *job.subordinates):
            if name and name.strip():
                names.setdefault(name.strip(), None)
    return list(names)


def org_edges(jobs: Sequence[JobDescription]) -> list[tuple[str, str]]:
    """(superior, subordinate) pairs from reports_to and subordinates, deduplicated, in order."""
    edges: dict[tuple[str, str], None] = {}
    for job in jobs:
        title = job.title.strip()
        if job.reports_to and job.reports_to.strip() and job.reports_to.strip() != title:
            edges.setdefault((job.reports_to.strip(), title), None)
        for sub in job.subordinates:
            if sub.strip() and sub.strip() != title:
                edges.setdefault((title, sub.strip()), None)
    return list(edges)


def org_tree(edges: Sequence[tuple[str, str]]) -> list[tuple[int, str]]:
    """(depth, name) in pre-order from the top people down; each name once, cycles cut."""
    children: dict[str, list[str]] = {}
    for superior, subordinate in edges:
        children.setdefault(superior, []).append(subordinate)
    has_superior = {b for _, b in edges}
    names = list(dict.fromkeys(n for edge in edges for n in edge))
    roots = [n for n in names if n not in has_superior]
    out: list[tuple[int, str]] = []
    seen: set[str] = set()

    def visit(name: str, depth: int) -> None:
        if name in seen:
            return
        seen.add(name)
        out.append((depth, name))
        for child in children.get(name, ()):
            visit(child, depth + 1)

    for name in roots + names:  # names left over sit on a cycle: start from the first
        visit(name, 0)
    return out


def render_org_chart(
    jobs: Sequence[JobDescription],
    *,
    info: PageInfo = PageInfo(),
    job_links: Mapping[str, str] | None = None,
) -> str:
    """The org chart: a Mermaid flowchart, plus the same relations as a plain list (print, no JS)."""
    names = _org_names(jobs)
    ids = {name: f"n{i}" for i, name in enumerate(names, 1)}
    edges = org_edges(jobs)
    chart = ["flowchart TD"]
    chart += [f'    {ids[n]}["{mermaid_label(n)}"]' for n in names]
    chart += [f"    {ids[a]} --> {ids[b]}" for a, b in edges]
    links = job_links or {}

    def person(name: str) -> str:
        return f"[{escape_inline(name)}]({links[name]})" if name in links else escape_inline(name)

    meta = front_matter(
        {"title": "组织架构", "kind": "org-chart", **_release_fields(info), "generator": GENERATOR}
    )
    blocks = ["# 组织架构\n", "```mermaid\n" + "\n".join(chart) + "\n```\n"]
    if edges:
        # The same hierarchy as a nested list: readable without JavaScript and in print.
        blocks.append("## 汇报关系 {#汇报关系}\n")
        blocks.append("".join(f"{'    ' * depth}- {person(name)}\n" for depth, name in org_tree(edges)))
    else:
        blocks.append("尚未从岗位说明书中识别出汇报关系。\n")
    related = {name for edge in edges for name in edge}
    if alone := [j for j in jobs if j.title.strip() not in related]:
        blocks.append("## 未注明汇报关系的岗位 {#未注明汇报关系的岗位}\n")
        blocks.append("".join(f"- {person(j.title.strip())}\n" for j in alone))
    return meta + "\n" + "\n".join(blocks)


# ------------------------------------------------------------------- index


def render_index(
    documents: Sequence[Document],
    jobs: Sequence[JobDescription],
    *,
    info: PageInfo = PageInfo(),
    title: str = HANDBOOK_TITLE,
) -> str:
    """The home page: what the handbook holds, by kind, with links (relative to ``index.md``)."""
    meta = front_matter({"title": title, "kind": "index", **_release_fields(info), "generator": GENERATOR})
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


# ------------------------------------------------------------------- files


def _relative(from_file: str, to_file: str) -> str:
    """A Markdown link from one docs-relative file to another (both POSIX paths)."""
    up = "../" * from_file.count("/")
    return up + to_file


def render_handbook(
    handbook: Handbook, *, info: PageInfo = PageInfo(), title: str = HANDBOOK_TITLE
) -> dict[str, str]:
    """Every generated page: docs-relative POSIX path → Markdown text."""
    jobs = _unique_jobs(handbook.job_descriptions())
    sources = {d.slug: d.source for d in handbook.documents}
    pages: dict[str, str] = {}
    for order, document in enumerate(handbook.documents, 1):
        path = urls.document_source_path(document)
        links = {j.slug: _relative(path, urls.job_source_path(j.slug)) for j in document.job_descriptions}
        pages[path] = render_document(document, info=info, order=order, job_links=links)
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


def is_generated(path: Path) -> bool:
    """Whether a Markdown file was written by this module (its front matter says so)."""
    try:
        head = path.read_text(encoding="utf-8")[:2000]
    except (OSError, UnicodeDecodeError):
        return False
    end = head.find("\n---\n", 4)
    return head.startswith("---\n") and f"\ngenerator: {GENERATOR}\n" in head[3 : end + 1]


def _owned_markdown(out_dir: Path) -> list[Path]:
    """Generated files this writer may delete: regulations/, jobs/, the org chart and index."""
    dirs = {urls.KIND_DIRS[k] for k in urls.KIND_DIRS} | {urls.JOBS_DIR}
    found = [p for d in sorted(dirs) for p in sorted((out_dir / d).glob("*.md"))]
    found += [out_dir / ORG_CHART_FILE, out_dir / INDEX_PAGE]
    return [p for p in found if p.is_file() and is_generated(p)]


def write_pages(pages: Mapping[str, str], out_dir: Path) -> list[Path]:
    """Write pages (unchanged files are left alone), delete stale generated ones.

    Only Markdown files carrying our generator mark are ever deleted, so
    ``sources/``, ``releases/``, ``model.json`` and hand-written pages are safe.
    """
    written: list[Path] = []
    for rel, text in sorted(pages.items()):
        path = out_dir / rel
        data = text.encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    keep = set(written)
    for stale in _owned_markdown(out_dir):
        if stale not in keep:
            stale.unlink()
    return written


def write_handbook(
    handbook: Handbook,
    out_dir: Path,
    *,
    version: str | None = None,
    effective: dt.date | None = None,
    title: str = HANDBOOK_TITLE,
) -> list[Path]:
    """Write ``regulations/<slug>.md``, ``jobs/<slug>.md``, ``org-chart.md``, ``index.md``.

    Returns the paths of every page of the handbook, sorted.
    """
    pages = render_handbook(handbook, info=PageInfo(version, effective), title=title)
    return write_pages(pages, out_dir)
