"""The on-disk index of one release: schema, build, atomic swap, opening.

Layout under the index root (``var/index``)::

    <release>            symlink → .builds/<release>-<stamp>   (what searchers open)
    .builds/<release>-<stamp>/   Whoosh files + meta.json

A build writes a fresh directory, commits it as one optimised segment, and
then replaces the ``<release>`` symlink in one ``rename`` (atomic on POSIX):
a searcher sees the old index or the new one, never half of one.  Building
from scratch also avoids Whoosh's ``update_document``, which does not replace
a document added in the same writer.  The previous build is kept so that
searchers still open on it keep working; older ones are removed.
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
from search.postings import PostingsCodec

FORMAT = 1
BUILDS_DIR = ".builds"
META_FILE = "meta.json"
KEEP_PREVIOUS_BUILDS = 1


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
    tmp = builds / f".tmp-{target.name}"
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
    prune_builds(index_root, release)
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
    ix.close()


def swap_in(index_root: Path, release: str, build: Path) -> None:
    """Point ``<index_root>/<release>`` at ``build`` with one atomic rename."""
    link = index_root / release
    tmp_link = index_root / f".{release}.{uuid.uuid4().hex[:8]}.link"
    os.symlink(os.path.relpath(build, index_root), tmp_link)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # an index from before symlinks: nothing to keep atomic
    os.replace(tmp_link, link)


def prune_builds(index_root: Path, release: str) -> None:
    """Remove the builds of ``release`` older than the live one and the one before it."""
    live = (index_root / release).resolve()
    builds = sorted(
        (
            p
            for p in (index_root / BUILDS_DIR).glob(f"{release}-*")
            if p.is_dir() and _release_of(p) == release
        ),
        key=lambda p: p.name,
    )
    older = [p for p in builds if p.resolve() != live]
    for old in older[: max(0, len(older) - KEEP_PREVIOUS_BUILDS)]:
        shutil.rmtree(old, ignore_errors=True)


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
