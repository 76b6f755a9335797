"""The versioned site: one MkDocs build per release under ``site/<version>/``.

Layout (what Material's version selector expects, see FACTS.md)::

    site/versions.json      mike's format, newest first, "latest" on the newest
    site/index.html         redirects to latest/
    site/latest/            a hard-linked copy of the newest release's site
    site/<version>/         one build per release, never rebuilt

Why not mike itself: mike keeps every version as commits on a git branch
(gh-pages) and deploys by checking that branch out.  Our site is a build
artefact on disk, served by the portal next to a repository that several
people commit to; committing generated HTML into it, or running git from a
build command, buys nothing.  We write the same ``versions.json`` format, so
Material's selector and outdated banner work unchanged, and a later move to
mike (or to Zensical's versioning) reads the same data.

A release directory is built in a temporary sibling and renamed into place,
so a reader never sees half a version; once it exists it is never touched.
The outdated banner is decided in the browser by Material from
versions.json, which is why old releases need no rebuild when a new one
is published.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.diff import diff_releases
from domain.errors import HandbookError
from domain.model import FormTemplate, Handbook, Release
from domain.urls import document_source_path
from publishing.changes import CHANGES_FILE, render_changes
from publishing.forms_page import FORMS_FILE, render_forms
from publishing.markdown.continuity import continuity_block
from publishing.markdown.files import write_pages
from publishing.markdown.front_matter import PageInfo
from publishing.markdown.pages import render_handbook
from publishing.releases import version_key

LATEST = "latest"
VERSIONS_FILE = "versions.json"
log = logging.getLogger(__name__)


class SiteBuildFailed(HandbookError):
    user_message = "站点构建失败。"


@dataclass(frozen=True)
class SiteBuild:
    """Where to build: the MkDocs config to inherit and the versioned site root."""

    config_file: Path
    site_dir: Path
    strict: bool = True


def release_pages(
    release: Release, previous: Release | None, forms: Sequence[FormTemplate] = ()
) -> dict[str, str]:
    """Every Markdown page of a release's site: the handbook, 本版变更 and 表单."""
    info = PageInfo(release.version, release.effective, release.title)
    pages = render_handbook(Handbook(release.documents), info=info)
    if previous is not None:  # old permalinks of moved or removed clauses say where the clause went
        earlier = {d.slug: d for d in previous.documents}
        for document in release.documents:
            if (old := earlier.get(document.slug)) is not None:
                pages[document_source_path(document)] += continuity_block(old, document, previous.version)
    pages[CHANGES_FILE] = render_changes(diff_releases(previous, release), release, previous)
    pages[FORMS_FILE] = render_forms(forms, release.documents, info)
    return pages


def mkdocs_build(config_file: Path, docs_dir: Path, site_dir: Path, *, strict: bool = True) -> None:
    """Run MkDocs in this process with our mkdocs.yml, another docs_dir and site_dir.

    In-process (not a subprocess) so that jieba's dictionary is loaded once
    for a multi-release build.
    """
    import jieba
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" chatter is not for users

    try:
        config = load_config(str(config_file), strict=strict, docs_dir=str(docs_dir), site_dir=str(site_dir))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (MkDocsException, SystemExit) as exc:
        raise SiteBuildFailed(f"mkdocs build failed: {exc}", f"站点构建失败：{exc}") from exc


def build_release(
    target: SiteBuild,
    release: Release,
    previous: Release | None,
    forms: Sequence[FormTemplate] = (),
) -> bool:
    """Build ``site/<version>/`` unless it exists.  Returns whether it built."""
    out = target.site_dir / release.version
    if out.exists():
        return False
    target.site_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.site_dir, prefix=".build-") as tmp:
        docs, built = Path(tmp) / "docs", Path(tmp) / "site"
        write_pages(release_pages(release, previous, forms), docs)
        mkdocs_build(target.config_file, docs, built, strict=target.strict)
        try:
            os.rename(built, out)
        except OSError:
            if out.exists():  # another build won the race: theirs stays, ours is dropped
                return False
            raise
    log.info("built release %s into %s", release.version, out)
    return True


def versions_data(releases: Sequence[Release]) -> list[dict[str, Any]]:
    """mike's versions.json: newest first, ``latest`` alias on the newest."""
    newest_first = sorted(releases, key=version_key, reverse=True)
    return [
        {
            "version": r.version,
            "title": f"{r.version} {r.title}" if r.title and r.title != r.version else r.version,
            "aliases": [LATEST] if i == 0 else [],
            "properties": {"effective": r.effective.isoformat(), "release_title": r.title},
        }
        for i, r in enumerate(newest_first)
    ]


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _copy_tree(src: Path, dst: Path) -> None:
    """Hard links where possible (a release never changes, so sharing inodes is safe)."""

    def link_or_copy(s: str, d: str) -> object:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)
        return d

    shutil.copytree(src, dst, copy_function=link_or_copy)


def _replace_dir(new: Path, target: Path) -> None:
    """Swap a directory in: rename the old one aside first, then delete it."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    if old.exists():
        shutil.rmtree(old)


def redirect_html(url: str) -> str:
    """A page that sends the browser to ``url``, keeping the #fragment (clause permalinks)."""
    href = html.escape(url, quote=True)
    js = json.dumps(url)
    return (
        '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f"<title>管理制度手册</title>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f"<script>location.replace({js} + location.hash)</script>\n"
        f'</head>\n<body><a href="{href}">前往现行版本</a></body>\n</html>\n'
    )


def publish_versions(site_dir: Path, releases: Sequence[Release]) -> list[dict[str, Any]]:
    """Write versions.json, the ``latest`` copy and the root redirect for the built releases."""
    built = [r for r in releases if (site_dir / r.version).is_dir()]
    data = versions_data(built)
    site_dir.mkdir(parents=True, exist_ok=True)
    _atomic_write(site_dir / VERSIONS_FILE, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    if data:
        newest = site_dir / data[0]["version"]
        staging = Path(tempfile.mkdtemp(dir=site_dir, prefix=".latest-"))
        staging.rmdir()
        _copy_tree(newest, staging)
        _replace_dir(staging, site_dir / LATEST)
        _atomic_write(site_dir / "index.html", redirect_html(f"{LATEST}/"))
    return data


def plan_builds(
    target: SiteBuild, releases: Sequence[Release], wanted: Sequence[str]
) -> list[tuple[Release, Release | None]]:
    """The wanted releases whose directory is missing, each with the release before it.

    ``releases`` are all stored releases: each one's 本版变更 compares it
    with the one before it, whether or not that one is being built.
    """
    ordered = sorted(releases, key=version_key)
    pairs = [(r, ordered[i - 1] if i else None) for i, r in enumerate(ordered)]
    return [
        (r, prev) for r, prev in pairs if r.version in wanted and not (target.site_dir / r.version).exists()
    ]


def build_site(
    target: SiteBuild,
    releases: Sequence[Release],
    wanted: Sequence[str],
    forms: Sequence[FormTemplate] = (),
) -> list[str]:
    """Build the wanted releases that are missing, then refresh versions.json and latest."""
    built = [
        release.version
        for release, previous in plan_builds(target, releases, wanted)
        if build_release(target, release, previous, forms)
    ]
    publish_versions(target.site_dir, releases)
    return built
