"""The one place that writes pages: changed files written, stale generated ones deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from domain import urls
from domain.model import Handbook
from publishing.markdown.front_matter import GENERATOR, PageInfo
from publishing.markdown.names import HANDBOOK_TITLE, INDEX_PAGE, ORG_CHART_FILE
from publishing.markdown.pages import render_handbook


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
