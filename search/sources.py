"""What gets indexed: the published releases and the current import, read from disk.

Each published release (``handbook/releases/<version>.json``) gets its own
index, linking to its own site version.  The current import
(``handbook/model.json``) is indexed as ``current`` and links to the
``latest`` alias, so that search works before the first release is published.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from domain.errors import NotFound
from domain.model import Document, FormTemplate, Handbook, Release
from domain.serialize import handbook_from_dict, release_from_dict
from search.documents import SearchDocument, SiteAddress, search_documents

CURRENT = "current"


@dataclass(frozen=True)
class IndexSource:
    """One release's documents, and where its hits link to."""

    release: str
    title: str
    effective: dt.date | None
    documents: tuple[Document, ...]
    address: SiteAddress

    def search_documents(self, forms: Iterable[FormTemplate] = ()) -> list[SearchDocument]:
        return search_documents(self.documents, self.address, forms)


def release_source(release: Release, base: str = "/site") -> IndexSource:
    return IndexSource(
        release.version,
        release.title,
        release.effective,
        release.documents,
        SiteAddress(release.version, base),
    )


def current_source(handbook: Handbook, base: str = "/site") -> IndexSource:
    return IndexSource(CURRENT, "当前导入", None, handbook.documents, SiteAddress(None, base))


def load_sources(
    releases_dir: Path, model_path: Path, release: str | None = None, base: str = "/site"
) -> list[IndexSource]:
    """The releases to index: one by name, or every published release plus the current import."""
    if release == CURRENT:
        if not model_path.is_file():
            raise NotFound(
                f"{model_path} does not exist",
                "尚未导入手册（找不到 model.json），请先运行 handbook import。",
            )
        return [current_source(_read_handbook(model_path), base)]
    if release is not None:
        path = releases_dir / f"{release}.json"
        if not path.is_file():
            raise NotFound(f"{path} does not exist", f"找不到版本 {release}。")
        return [release_source(_read_release(path), base)]
    sources = [release_source(_read_release(p), base) for p in sorted(releases_dir.glob("*.json"))]
    if model_path.is_file():
        sources.append(current_source(_read_handbook(model_path), base))
    return sources


def _read_release(path: Path) -> Release:
    return release_from_dict(json.loads(path.read_text(encoding="utf-8")))


def _read_handbook(path: Path) -> Handbook:
    return handbook_from_dict(json.loads(path.read_text(encoding="utf-8")))
