"""The on-disk index of one release: schema, build, atomic swap, opening.

Layout under the index root (``var/index``)::

    <release>            symlink → .builds/<release>-<stamp>   (what searchers open)
    .builds/<release>-<stamp>/   Whoosh files + meta.json

A build writes a fresh directory, commits it as one optimised segment, and
then replaces the ``<release>`` symlink in one ``rename`` (atomic on POSIX):
a searcher sees the old index or the new one, never half of one.  Building
from scratch also avoids Whoosh's ``update_document``, which does not replace
a document added in the same writer.

Superseded builds are removed after each build (:func:`collect_garbage`), but
not at once: a search that resolved the symlink just before the swap may
still be opening the old build's files (Whoosh opens some of them lazily, and
a file that is already open survives an unlink on Linux, one not yet opened
does not).  So a build goes only when it is neither live nor the most recent
superseded build of its release, and was superseded more than
``GRACE_SECONDS`` ago.  Leftovers of crashed builds (``.tmp-*``, stray link
files) and builds of releases whose symlink is gone go after the same grace.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema

from domain.errors import HandbookError, NotFound
from search.analysis import PresegmentedTokenizer, Segmenter, clause_number_key, encode_groups
from search.documents import SearchDocument
from search.matching import CONTENT
from search.postings import PostingsCodec
from search.scoring import length_norms, save_norms

FORMAT = 1
BUILDS_DIR = ".builds"
META_FILE = "meta.json"
KEEP_PREVIOUS_BUILDS = 1
GRACE_SECONDS = 300.0  # far longer than a search takes to open a build it has just resolved
TMP_PREFIX = ".tmp-"


class IndexMissing(NotFound):
    """No index has been built for the requested release."""

    user_message = "该版本尚未建立检索索引，请先运行 handbook index。"


def make_schema() -> Schema:
    """One combined ``content`` field (headings, number, title, text) plus filter fields.

    A single content field keeps a multi-word query to one posting list per
    word (Whoosh's multi-field parsing also requires all words in one field).
    It has no positions: Whoosh stores a posting block as one pickle, so
    positions would be decoded for every block a search touches.  Phrases
    use ``phrases``, the same tokens with positions, read only by phrase
    queries.  The document title is not in ``content``: nearly every title
    says 营销中心…管理制度, and repeating it in each clause made those words'
    posting lists cover the whole index (it is in ``doc_title`` for 文档:).
    """
    words = PresegmentedTokenizer()
    return Schema(
        key=ID(stored=True, unique=True),
        content=TEXT(analyzer=words, phrase=False),
        phrases=TEXT(analyzer=words, phrase=True),
        doc_title=TEXT(analyzer=words, phrase=False),
        document=ID(),
        number=ID(),
        kind=ID(),
        department=TEXT(analyzer=words, phrase=False),
        payload=STORED(),
    )


@dataclass(frozen=True)
class IndexMeta:
    """What a build records beside the Whoosh files."""

    release: str
    title: str
    effective: str  # ISO date, "" for the unpublished current import
    documents: int
    built_at: str
    dictionary: str = ""  # fingerprint of the jieba dictionaries used to segment
    format: int = FORMAT

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def index_fields(doc: SearchDocument, segmenter: Segmenter) -> dict[str, Any]:
    """The field values Whoosh stores for one search document (segmented here, once)."""
    content = encode_groups(segmenter.groups(doc.searchable_text))
    return {
        "key": doc.key,
        "content": content,
        "phrases": content,
        "doc_title": encode_groups(segmenter.groups(doc.document)),
        "document": doc.document_slug,
        "number": _number_key(doc.number),
        "kind": doc.kind,
        "department": encode_groups(segmenter.groups(doc.department)),
        "payload": {
            "kind": doc.kind,
            "document": doc.document,
            "document_slug": doc.document_slug,
            "number": doc.number,
            "title": doc.title,
            "heading_path": list(doc.heading_path),
            "text": doc.text,
            "url": doc.url,
        },
    }


def _number_key(number: str) -> str:
    return clause_number_key(number) if number else ""


def build_index(
    index_root: Path,
    release: str,
    documents: Sequence[SearchDocument],
    segmenter: Segmenter,
    *,
    title: str = "",
    effective: dt.date | None = None,
    limitmb: int = 256,
) -> Path:
    """Build the index of one release and swap it in; returns the build directory."""
    _check_release_name(release)
    builds = index_root / BUILDS_DIR
    builds.mkdir(parents=True, exist_ok=True)
    target = builds / f"{release}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
    tmp = builds / f"{TMP_PREFIX}{target.name}"
    tmp.mkdir()
    try:
        _write_whoosh(tmp, documents, segmenter, limitmb)
        meta = IndexMeta(
            release=release,
            title=title or release,
            effective=effective.isoformat() if effective else "",
            documents=len(documents),
            built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            dictionary=segmenter.fingerprint,
        )
        (tmp / META_FILE).write_text(json.dumps(meta.to_dict(), ensure_ascii=False), encoding="utf-8")
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap_in(index_root, release, target)
    collect_garbage(index_root)
    return target


def _write_whoosh(
    directory: Path, documents: Sequence[SearchDocument], segmenter: Segmenter, limitmb: int
) -> None:
    ix = whoosh_index.create_in(str(directory), make_schema())
    # Uncompressed posting blocks (zlib cost more per block read than the page cache saves),
    # read with a bisecting skip_to (search.postings).
    writer = ix.writer(limitmb=limitmb, codec=PostingsCodec())
    try:
        for doc in documents:
            writer.add_document(**index_fields(doc, segmenter))
    except BaseException:
        writer.cancel()
        raise
    # One segment: a search then walks one posting list per term, not one per segment.
    writer.commit(optimize=True)
    with ix.searcher() as searcher:
        save_norms(directory, CONTENT, length_norms(searcher, CONTENT))
    ix.close()


def swap_in(index_root: Path, release: str, build: Path) -> None:
    """Point ``<index_root>/<release>`` at ``build`` with one atomic rename."""
    link = index_root / release
    tmp_link = index_root / f".{release}.{uuid.uuid4().hex[:8]}.link"
    os.symlink(os.path.relpath(build, index_root), tmp_link)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # an index from before symlinks: nothing to keep atomic
    os.replace(tmp_link, link)


def collect_garbage(
    index_root: Path,
    *,
    keep_previous: int = KEEP_PREVIOUS_BUILDS,
    grace_seconds: float = GRACE_SECONDS,
    now: float | None = None,
) -> list[Path]:
    """Remove superseded builds and leftovers (rules in the module docstring); returns what went.

    Safe against concurrent builds and searches: a live build is never
    removed, nor anything younger than the grace period, and two collectors
    racing on the same directory only ignore each other's removals.
    """
    builds_dir = index_root / BUILDS_DIR
    if not builds_dir.is_dir():
        return []
    clock = time.time() if now is None else now
    live = _live_builds(index_root)
    doomed = [
        *_superseded_builds(builds_dir, live, keep_previous, clock - grace_seconds),
        *_stale_leftovers(index_root, clock - grace_seconds),
    ]
    for path in doomed:
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
    return doomed


def _live_builds(index_root: Path) -> set[Path]:
    """Every build a release symlink points at (any release, not only the one just built)."""
    return {link.resolve() for link in index_root.iterdir() if link.is_symlink()}


def _superseded_builds(builds_dir: Path, live: set[Path], keep_previous: int, cutoff: float) -> list[Path]:
    by_release: dict[str, list[tuple[float, str, Path]]] = {}
    for build in builds_dir.iterdir():
        if build.name.startswith(".") or not build.is_dir():
            continue
        by_release.setdefault(_release_of(build), []).append((_mtime(build), build.name, build))
    doomed = []
    for builds in by_release.values():
        builds.sort()  # oldest first: completion time (directory mtime), then name
        # When each build was superseded: when the next build of the release was completed.
        superseded_at = [stamp for stamp, _, _ in builds[1:]] + [float("inf")]
        kept = 0
        for (_, _, path), superseded in reversed(list(zip(builds, superseded_at, strict=True))):
            if path.resolve() in live:
                continue
            if kept < keep_previous:  # the previous generation, newest first
                kept += 1
            elif superseded <= cutoff:
                doomed.append(path)
    return doomed


def _stale_leftovers(index_root: Path, cutoff: float) -> list[Path]:
    """Temporary build directories and link files of builds that died, untouched since ``cutoff``."""
    stale = [tmp for tmp in (index_root / BUILDS_DIR).glob(f"{TMP_PREFIX}*") if _newest_mtime(tmp) < cutoff]
    stale += [link for link in index_root.glob(".*.link") if link.lstat().st_mtime < cutoff]
    return stale


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")  # removed meanwhile: never a candidate


def _newest_mtime(directory: Path) -> float:
    """A build still being written keeps touching its files even when no file is created."""
    stamps = [_mtime(directory)]
    if directory.is_dir():
        stamps += [_mtime(child) for child in directory.iterdir()]
    return max(stamps)


def _release_of(build: Path) -> str:
    """``2026.1-20261127093000-ab12cd`` → ``2026.1`` (release names may contain dashes)."""
    return build.name.rsplit("-", 2)[0]


def _check_release_name(release: str) -> None:
    if not release or release.startswith(".") or "/" in release or "\\" in release:
        raise HandbookError(f"invalid release name {release!r}", f"版本名称无效：{release}")


def built_releases(index_root: Path) -> list[IndexMeta]:
    """The releases with a live index, newest effective date first (the current import last)."""
    metas = []
    if index_root.is_dir():
        for link in index_root.iterdir():
            if link.name.startswith(".") or not (link / META_FILE).is_file():
                continue
            metas.append(read_meta(link))
    return sorted(metas, key=lambda m: (m.effective or "0000", m.release), reverse=True)


def read_meta(directory: Path) -> IndexMeta:
    data = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    return IndexMeta(**data)


def live_directory(index_root: Path, release: str) -> Path:
    """The build directory a searcher of ``release`` should open now."""
    _check_release_name(release)
    link = index_root / release
    if not (link / META_FILE).is_file():
        raise IndexMissing(f"no index for release {release!r} under {index_root}")
    return link.resolve()


def open_index(directory: Path) -> whoosh_index.Index:
    return whoosh_index.open_dir(str(directory))
