"""What a search returns: hits, grouped by document, and the interface every engine offers.

Callers (the CLI, the portal) depend on :class:`SearchEngine` and these
values only, so the engine (:mod:`search.engine`) can be replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from search.highlight import Highlight


@dataclass(frozen=True)
class SearchHit:
    """One matching clause (or heading, job description, form)."""

    document: str
    number: str
    heading_path: tuple[str, ...]
    text: str
    highlight: Highlight | None  # None: the search was asked not to highlight
    url: str
    score: float
    kind: str = "clause"
    document_slug: str = ""
    title: str = ""
    key: str = ""
    number_matched: bool = False  # the query named this clause's number (第十条): show it marked


@dataclass(frozen=True)
class DocumentGroup:
    """The hits of one document, in rank order (the document ranks by its best hit)."""

    document: str
    document_slug: str
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True)
class SearchResults:
    query: str
    release: str
    total: int
    hits: tuple[SearchHit, ...]
    mode: str = "and"  # "and": every word matched; "or": the fallback
    notice: str | None = None
    ignored: tuple[str, ...] = field(default=())
    asks: tuple[str, ...] = field(default=())  # what a question asked (search.asking)

    @property
    def groups(self) -> tuple[DocumentGroup, ...]:
        """Hits grouped by document, documents in the order of their best hit."""
        order: dict[str, list[SearchHit]] = {}
        for hit in self.hits:
            order.setdefault(hit.document_slug or hit.document, []).append(hit)
        return tuple(DocumentGroup(hits[0].document, slug, tuple(hits)) for slug, hits in order.items())


class SearchEngine(Protocol):
    """What the CLI and the portal need from a search engine."""

    def search(
        self, query: str, *, release: str | None = None, limit: int = 10, highlight: bool = True
    ) -> SearchResults: ...

    def releases(self) -> list[str]: ...
