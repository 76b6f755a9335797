"""The site's navigation, nested by kind, built from the pages' front matter.

MkDocs would otherwise list ``regulations/`` and ``jobs/`` under English
directory names, in file-name order.  Here the nav follows the handbook:

* 首页, then one section per kind: 制度, 岗位说明书, 组织架构, 表单, 本版变更;
* regulations in handbook order, grouped by source file when there are
  several; jobs grouped by department once there are many;
* any group larger than :data:`MAX_GROUP` is split into numbered chunks.

Nesting matters for size: Material writes the visible nav into every page,
so a flat list of N pages costs N² (``navigation.prune`` keeps only the
current branch).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from domain import urls

MAX_GROUP = 40  # entries per nav branch before it is split
JOBS_FLAT_LIMIT = 15  # up to this many jobs, no department level

NavEntry = str | dict[str, Any]

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class PageMeta:
    """What the nav needs to know about one Markdown page."""

    path: str  # docs-relative, POSIX
    title: str  # as stored in front matter: already HTML-escaped by the writer
    kind: str = ""
    order: int = 0
    group: str = ""  # source file (regulations) or department (jobs)


def read_front_matter(path: Path) -> dict[str, Any]:
    """The YAML front matter of a Markdown file, or {} (only the head is read)."""
    with path.open(encoding="utf-8") as fh:
        if fh.readline().rstrip("\n") != "---":
            return {}
        lines: list[str] = []
        for line in fh:
            if line.rstrip("\n") in ("---", "..."):
                data = yaml.load("".join(lines), Loader=_SafeLoader)
                return data if isinstance(data, dict) else {}
            lines.append(line)
    return {}


def page_meta(docs_dir: Path, path: Path) -> PageMeta:
    meta = read_front_matter(path)
    rel = path.relative_to(docs_dir).as_posix()
    source = meta.get("source")
    group = meta.get("department") or (source.get("file") if isinstance(source, dict) else "") or ""
    return PageMeta(
        path=rel,
        title=str(meta.get("title") or path.stem),
        kind=str(meta.get("kind") or ""),
        order=int(meta.get("order") or 0),
        group=str(group),
    )


def scan_pages(docs_dir: Path, excluded: Iterable[str] = ()) -> list[PageMeta]:
    """Every Markdown page under ``docs_dir`` (skipping excluded top-level names)."""
    skip = set(excluded)
    pages = []
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir)
        if rel.parts[0] in skip or any(p.startswith(".") for p in rel.parts):
            continue
        pages.append(page_meta(docs_dir, path))
    return pages


def _entries(pages: Sequence[PageMeta]) -> list[NavEntry]:
    return [{p.title: p.path} for p in sorted(pages, key=lambda p: (p.order, p.path))]


def _chunked(entries: list[NavEntry]) -> list[NavEntry]:
    """A long list as sections of MAX_GROUP: 第 1–40 项, 第 41–80 项 …"""
    if len(entries) <= MAX_GROUP:
        return entries
    return [
        {f"第 {i + 1}–{min(i + MAX_GROUP, len(entries))} 项": entries[i : i + MAX_GROUP]}
        for i in range(0, len(entries), MAX_GROUP)
    ]


def _grouped(pages: Sequence[PageMeta], other: str) -> list[NavEntry]:
    """One section per group (in order of first page), each chunked; flat if one group."""
    groups: dict[str, list[PageMeta]] = {}
    for page in sorted(pages, key=lambda p: (p.order, p.path)):
        groups.setdefault(page.group or other, []).append(page)
    if len(groups) == 1:
        return _chunked(_entries(pages))
    # Group names come from source file names and departments: text, but Material prints nav labels as HTML.
    return [{html.escape(name): _chunked(_entries(members))} for name, members in groups.items()]


def build_nav(pages: Sequence[PageMeta]) -> list[NavEntry]:
    """The nested nav (MkDocs ``nav`` shape) for these pages."""
    regulation_dirs = {f"{d}/" for d in urls.KIND_DIRS.values()}
    by_path = {p.path: p for p in pages}
    regulations = [p for p in pages if any(p.path.startswith(d) for d in regulation_dirs)]
    jobs = [p for p in pages if p.path.startswith(f"{urls.JOBS_DIR}/")]
    singles = {
        "index.md": "首页",
        urls.ORG_CHART_PAGE.rstrip("/") + ".md": "组织架构",
        urls.FORMS_PAGE.rstrip("/") + ".md": "表单",
        urls.CHANGES_PAGE.rstrip("/") + ".md": "本版变更",
    }
    nav: list[NavEntry] = []
    if "index.md" in by_path:
        nav.append({"首页": "index.md"})
    if regulations:
        nav.append({"制度": _grouped(regulations, "其他")})
    if jobs:
        grouped = _chunked(_entries(jobs)) if len(jobs) <= JOBS_FLAT_LIMIT else _grouped(jobs, "未注明部门")
        nav.append({"岗位说明书": grouped})
    nav += [{label: path} for path, label in singles.items() if path in by_path and path != "index.md"]
    placed = {p.path for p in (*regulations, *jobs)} | set(singles)
    others = [p for p in pages if p.path not in placed]
    if others:
        nav.append({"其他": _chunked(_entries(others))})
    return nav
