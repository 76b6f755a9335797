"""Where each thing lives in the published site: the permalink rules.

One place for the rules, so that the Markdown writer, the site build,
search hits and the portal all link to the same address.  Paths are
relative to a site version's root (``site/<version>/``).
"""

from __future__ import annotations

from domain.model import Document, DocumentKind

KIND_DIRS: dict[DocumentKind, str] = {
    "regulation": "regulations",
    "handbook": "regulations",
    "mixed": "regulations",
    "job-descriptions": "regulations",
}
JOBS_DIR = "jobs"
ORG_CHART_PAGE = "org-chart/"
CHANGES_PAGE = "changes/"
FORMS_PAGE = "forms/"


def document_source_path(document: Document) -> str:
    """The Markdown file of a document inside ``handbook/``: ``regulations/<slug>.md``."""
    return f"{KIND_DIRS[document.kind]}/{document.slug}.md"


def document_page(document: Document) -> str:
    """The directory URL MkDocs gives that file: ``regulations/<slug>/``."""
    return f"{KIND_DIRS[document.kind]}/{document.slug}/"


def job_source_path(job_slug: str) -> str:
    return f"{JOBS_DIR}/{job_slug}.md"


def job_page(job_slug: str) -> str:
    return f"{JOBS_DIR}/{job_slug}/"


def clause_url(document: Document, anchor: str, version: str | None = None, base: str = "/site") -> str:
    """Absolute URL of a clause in the site: ``/site/<version>/regulations/<slug>/#第十条``.

    ``version`` ``None`` means the ``latest`` alias.
    """
    url = f"{base.rstrip('/')}/{version or 'latest'}/{document_page(document)}"
    return f"{url}#{anchor}" if anchor else url
