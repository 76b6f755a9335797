"""A thin, defensive bridge to ``search.service`` (another stage's module, imported lazily).

The portal must keep working when the search stage is absent or its index
has not been built: both become a Chinese message on the page, never a 500.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

NO_SERVICE = "检索功能尚未安装。"
NO_INDEX = "检索索引尚未建立，请管理员运行 handbook index 后再试。"
FAILED = "检索暂时不可用，请稍后再试。"


@dataclass(frozen=True)
class Hit:
    title: str
    label: str
    snippet: str
    slug: str
    anchor: str


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    total: int
    message: str = ""


def _field(hit: Any, *names: str) -> str:
    for name in names:
        value = hit.get(name) if isinstance(hit, dict) else getattr(hit, name, None)
        if value:
            return str(value)
    return ""


def _to_hit(hit: Any) -> Hit:
    return Hit(
        title=_field(hit, "document_title", "title", "doc_title"),
        label=_field(hit, "label", "clause_label", "number", "heading"),
        snippet=_field(hit, "snippet", "highlight", "excerpt", "text"),
        slug=_field(hit, "document_slug", "slug", "doc_slug"),
        anchor=_field(hit, "anchor", "clause_anchor"),
    )


def run_search(query: str, index_dir: Path, limit: int = 20) -> SearchResult:
    if importlib.util.find_spec("search.service") is None:
        return SearchResult((), 0, NO_SERVICE)
    service = importlib.import_module("search.service")
    function = getattr(service, "search", None) or getattr(service, "query", None)
    if not callable(function):
        return SearchResult((), 0, NO_SERVICE)
    parameters = inspect.signature(function).parameters
    kwargs: dict[str, Any] = {}
    for name in ("index_dir", "index_path", "index", "directory"):
        if name in parameters:
            kwargs[name] = index_dir
            break
    for name in ("limit", "top", "size"):
        if name in parameters:
            kwargs[name] = limit
            break
    try:
        outcome = function(query, **kwargs)
    except FileNotFoundError:
        return SearchResult((), 0, NO_INDEX)
    except Exception as error:
        if "index" in type(error).__name__.lower() or "index" in str(error).lower():
            return SearchResult((), 0, NO_INDEX)
        log.exception("search failed")
        return SearchResult((), 0, FAILED)
    hits = getattr(outcome, "hits", outcome)
    total = getattr(outcome, "total", None)
    converted = tuple(_to_hit(h) for h in list(hits)[:limit])
    return SearchResult(converted, int(total) if isinstance(total, int) else len(converted))
