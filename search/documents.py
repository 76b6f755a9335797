"""From the domain model to search documents: pure functions, no jieba, no Whoosh.

One search document per numbered clause (条 or item, with its parent
headings), per heading, per document (title and preamble), per job
description and per form.  Each carries what a hit shows and the clause's
permalink in the site (:func:`domain.urls.clause_url`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from domain.model import Document, FormTemplate, JobDescription, Section, SectionKind, Table
from domain.urls import FORMS_PAGE, clause_url, job_page

# What a search document is; the query's kind: filter picks among these.
KINDS = ("clause", "heading", "document", "job", "form")

# The 表单 page gives each form the id 表单-<slug> (publishing/forms_page.py).
FORM_ANCHOR_PREFIX = "表单-"

_HEADING_KINDS = frozenset({SectionKind.PART, SectionKind.CHAPTER, SectionKind.SECTION})


@dataclass(frozen=True)
class SearchDocument:
    """One searchable unit and everything a hit needs to show and link it."""

    key: str  # unique in a release: ``<slug>#<anchor>``, ``job:<slug>``, ``form:<slug>``
    kind: str  # one of KINDS
    document: str  # the title shown as the hit's document
    document_slug: str
    number: str  # as printed: ``第十条``, ``4.``; empty for documents, jobs, forms
    title: str  # the section's own title, if any
    heading_path: tuple[str, ...]  # labels of the parent headings, outermost first
    text: str  # what the hit shows
    url: str
    department: str = ""
    extra: str = ""  # searched but not shown (tables, job fields)

    @property
    def searchable_text(self) -> str:
        """Everything the combined ``content`` field indexes, one line each."""
        parts = [*self.heading_path, f"{self.number}{self.title}", self.text, self.extra]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class SiteAddress:
    """Where the hits of a release link to: ``version`` ``None`` means the ``latest`` alias."""

    version: str | None = None
    base: str = "/site"

    def page(self, page: str, anchor: str = "") -> str:
        url = f"{self.base.rstrip('/')}/{self.version or 'latest'}/{page}"
        return f"{url}#{anchor}" if anchor else url


def search_documents(
    documents: Iterable[Document],
    address: SiteAddress,
    forms: Iterable[FormTemplate] = (),
) -> list[SearchDocument]:
    """Every search document of a release (or of the current import), in reading order."""
    out: list[SearchDocument] = []
    for document in documents:
        out += document_entries(document, address)
        out += [job_entry(job, document, address) for job in document.job_descriptions]
    out += [form_entry(form, address) for form in forms]
    return out


def document_entries(document: Document, address: SiteAddress) -> list[SearchDocument]:
    """The document itself (title and preamble), then each section with a number or a title."""
    entries = [
        SearchDocument(
            key=document.slug,
            kind="document",
            document=document.title,
            document_slug=document.slug,
            number="",
            title="",
            heading_path=(),
            text=document.preamble,
            url=clause_url(document, "", address.version, address.base),
        )
    ]
    for section, parents in _walk_with_parents(document.sections, ()):
        if not (section.text or section.title or section.tables):
            continue
        entries.append(
            SearchDocument(
                key=f"{document.slug}#{section.anchor}",
                kind=_section_kind(section),
                document=document.title,
                document_slug=document.slug,
                number=section.number,
                title=section.title,
                heading_path=tuple(p.label for p in parents),
                text=section.text or section.title,
                url=clause_url(document, section.anchor, address.version, address.base),
                extra=tables_text(section.tables),
            )
        )
    return entries


def _walk_with_parents(
    sections: Iterable[Section], parents: tuple[Section, ...]
) -> Iterator[tuple[Section, tuple[Section, ...]]]:
    for section in sections:
        yield section, parents
        yield from _walk_with_parents(section.children, (*parents, section))


def _section_kind(section: Section) -> str:
    if section.kind in _HEADING_KINDS or not section.text:
        return "heading"
    return "clause"


def tables_text(tables: Iterable[Table]) -> str:
    return "\n".join(" ".join(row) for table in tables for row in table)


def job_entry(job: JobDescription, document: Document, address: SiteAddress) -> SearchDocument:
    """A job description: its duties are the text; reporting lines and the rest are searchable."""
    summary = job.summary or ""
    duties = "\n".join(job.responsibilities)
    extra = [
        f"直接上级：{job.reports_to}" if job.reports_to else "",
        f"直接下级：{'、'.join(job.subordinates)}" if job.subordinates else "",
        *job.authorities,
        *job.qualifications,
    ]
    return SearchDocument(
        key=f"job:{job.slug}",
        kind="job",
        document=job.title,
        document_slug=job.document_slug or document.slug,
        number="",
        title="岗位说明书",
        heading_path=(document.title,),
        text="\n".join(p for p in (summary, duties) if p),
        url=address.page(job_page(job.slug)),
        department=job.department or "",
        extra="\n".join(p for p in extra if p),
    )


def form_entry(form: FormTemplate, address: SiteAddress) -> SearchDocument:
    return SearchDocument(
        key=f"form:{form.slug}",
        kind="form",
        document=form.title,
        document_slug=form.slug,
        number="",
        title="表单",
        heading_path=(),
        text=form.description,
        url=address.page(FORMS_PAGE, f"{FORM_ANCHOR_PREFIX}{form.slug}"),
        extra=" ".join(f.label for f in form.fields),
    )
