"""The handbook's domain model: plain, frozen values shared by every stage.

Nothing here does I/O or imports Flask, SQLAlchemy, Whoosh or python-docx.
Importers produce these values; the site, search, portal and forms read them.

Vocabulary:

* A **Document** is one regulation (制度), handbook or set of job descriptions.
* Its outline is a tree of **Section** nodes: 编/章/节 headings, 条 articles
  and numbered items.  Every numbered node has an ``anchor`` that is stable
  across re-imports and releases (``第十条``, ``三-2``): together with the
  document's slug it is the clause's permalink.
* A **Release** is a published edition of the whole handbook (``2026.1``);
  each document in it is one **version** of that regulation, identified by
  the hash of its canonical text.
* A **JobDescription** (岗位说明书) is a structured record found in a document.
* A **FormTemplate** declares a standard form (plan, contract, minutes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

DocumentKind = Literal["regulation", "handbook", "job-descriptions", "mixed"]

# A table as rows of cell texts; the first row is the header when it looks like one.
Table = tuple[tuple[str, ...], ...]


class SectionKind(StrEnum):
    """What a numbered node of the outline is, independent of its depth."""

    PART = "part"  # 第X编 / 第X部分
    CHAPTER = "chapter"  # 第X章
    SECTION = "section"  # 第X节
    ARTICLE = "article"  # 第X条
    HEADING = "heading"  # 一、 部门职能 (a numbered item that has a title)
    ITEM = "item"  # 1. 统一部署:… (a numbered item whose text starts at once)


@dataclass(frozen=True)
class Section:
    """One node of a document's outline.

    ``number`` is the number as printed (duplicates collapsed), ``title`` is
    empty for a plain clause whose text starts at once, and ``text`` is the
    body that belongs to this node and not to its children.
    """

    level: int
    number: str
    title: str
    text: str
    kind: SectionKind
    anchor: str
    children: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()  # tables that follow this node's text

    def walk(self) -> Iterator[Section]:
        """This node and all its descendants, in reading order (pre-order)."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def label(self) -> str:
        """Number and title as a reader would cite them: ``第十条``, ``一、部门职能``."""
        return f"{self.number}{self.title}".strip() if self.number else self.title


@dataclass(frozen=True)
class JobDescription:
    """A 岗位说明书 record, wherever in a document it was found."""

    title: str
    slug: str
    department: str | None = None
    reports_to: str | None = None
    subordinates: tuple[str, ...] = ()
    summary: str | None = None
    responsibilities: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    document_slug: str = ""
    # What the importer inferred rather than read from a field (shown in the import report).
    inferred: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceRef:
    """Where a document came from, so that HR can trace every page to its file."""

    file_name: str
    sha256: str
    tool_version: str = ""


@dataclass(frozen=True)
class Document:
    """One regulation, handbook or job-description set with its outline."""

    slug: str
    title: str
    kind: DocumentKind
    preamble: str
    sections: tuple[Section, ...]
    source: SourceRef
    job_descriptions: tuple[JobDescription, ...] = ()
    warnings: tuple[str, ...] = ()

    def walk(self) -> Iterator[Section]:
        """Every section of the outline in reading order (pre-order)."""
        for section in self.sections:
            yield from section.walk()

    def clauses(self) -> Iterator[Section]:
        """The numbered nodes that carry text: what people cite, sign and search."""
        return (s for s in self.walk() if s.number and (s.text or s.title))

    def find(self, anchor: str) -> Section | None:
        """The section with this anchor, if any."""
        return next((s for s in self.walk() if s.anchor == anchor), None)


@dataclass(frozen=True)
class ClauseRef:
    """A permalink target: a document and one of its anchors (``""`` = the document)."""

    document_slug: str
    anchor: str = ""

    def __str__(self) -> str:
        return f"{self.document_slug}#{self.anchor}" if self.anchor else self.document_slug


@dataclass(frozen=True)
class Dropped:
    """A piece of source text the importer removed, and why."""

    text: str
    reason: str
    source: str


@dataclass(frozen=True)
class Changed:
    """A piece of source text the importer rewrote, and why."""

    before: str
    after: str
    reason: str
    source: str


@dataclass(frozen=True)
class ImportReport:
    """Everything an import did to the text besides keeping it: HR's evidence."""

    dropped: tuple[Dropped, ...] = ()
    changed: tuple[Changed, ...] = ()
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Handbook:
    """The result of importing one or more sources: documents plus the report."""

    documents: tuple[Document, ...]
    report: ImportReport = field(default_factory=ImportReport)

    def document(self, slug: str) -> Document | None:
        return next((d for d in self.documents if d.slug == slug), None)

    def job_descriptions(self) -> Iterator[JobDescription]:
        for document in self.documents:
            yield from document.job_descriptions


@dataclass(frozen=True)
class Release:
    """A published edition of the handbook; each document in it is one version."""

    version: str
    title: str
    effective: dt.date
    documents: tuple[Document, ...]
    notes: str = ""

    def document(self, slug: str) -> Document | None:
        return next((d for d in self.documents if d.slug == slug), None)


FieldType = Literal[
    "text",
    "multiline",
    "date",
    "month",
    "time",
    "number",
    "money",
    "percent",
    "choice",
    "person",
    "department",
    "table",
]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: its label and help in Chinese, type and constraints."""

    name: str
    label: str
    type: FieldType
    required: bool = False
    help: str = ""
    unit: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    computed: str | None = None  # "function" or "function:argument", looked up by forms.computed
    columns: tuple[FieldSpec, ...] = ()  # for type == "table"
    # Added for the forms stage (all optional, defaults keep older declarations valid):
    after: str | None = None  # date/month/time: must not be earlier than this field (same row or form)
    pattern: str | None = None  # text: a full-match regular expression
    pattern_message: str = ""  # the Chinese message shown when ``pattern`` does not match
    decimals: int | None = None  # number/money/percent: most digits after the point
    sum_to: float | None = None  # a table column whose values must add up to this (weights = 100)
    min_rows: int = 0  # table: fewest rows
    max_rows: int | None = None  # table: most rows
    system: bool = False  # filled by the portal (e.g. the chair's signature), never by the user


@dataclass(frozen=True)
class FormTemplate:
    """A standard form the handbook prescribes, filled into a .docx template."""

    slug: str
    title: str
    description: str
    template_file: str
    fields: tuple[FieldSpec, ...]
    required_by: tuple[ClauseRef, ...] = ()
    checks: tuple[str, ...] = ()  # names of the forms stage's cross-field checks (totals, deadlines)
