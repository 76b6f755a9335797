"""YAML front matter of every generated page, and the generator mark that says a page is ours."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from domain.model import SourceRef

GENERATOR = "policy-handbook"


@dataclass(frozen=True)
class PageInfo:
    """Release facts printed in every page's front matter (None = a draft)."""

    version: str | None = None
    effective: dt.date | None = None
    release_title: str | None = None


DRAFT = PageInfo()  # the default: no release facts


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


def release_fields(info: PageInfo) -> dict[str, Any]:
    return {
        "version": info.version,
        "effective": info.effective.isoformat() if info.effective else None,
    }


def source_fields(source: SourceRef) -> dict[str, Any]:
    return {
        "source": {"file": source.file_name, "sha256": source.sha256} if source.file_name else None,
        "tool": source.tool_version or None,
    }
