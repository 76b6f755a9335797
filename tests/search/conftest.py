"""Shared fixtures: jieba once per session, the real handbook's model, one index built from it.

The quality tests must run on the real imported handbook (``handbook/model.json``).
Until the importers have committed it, :func:`rough_seed_model` cuts the seed
text into documents and numbered clauses with a few crude rules: good enough
to search, not a substitute for the importers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.model import Document, Handbook, SourceRef
from domain.serialize import handbook_from_dict, sections_from_rows
from search.analysis import Segmenter, load_segmenter
from search.index import build_index
from search.service import WhooshSearchEngine, dictionaries
from search.sources import current_source

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "handbook" / "model.json"
SEED = REPO / "handbook" / "sources" / "marketing-handbook-2010.txt"

_MARKER_RE = re.compile(
    r"(?P<article>第[一二三四五六七八九十百\d]+条)"
    r"|(?P<chapter>第[一二三四五六七八九十\d]+[章节])"
    r"|(?<![\d.])(?P<cn>[一二三四五六七八九十]+、)"
    r"|(?<![\d.])(?P<paren>[（(][一二三四五六七八九十\d]+[）)])"
    r"|(?<![\d.:])(?P<dec>\d+(?:\.\d+)*[.、](?!\d))"
)


def rough_seed_model(text: str) -> Handbook:
    """Documents at the seed's ``title\\ntitle…`` lines; clauses at numbering markers."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    documents: list[Document] = []
    title, body = "", []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.endswith(".doc"):
            continue
        if _looks_like_title(line, nxt):
            if title:
                documents.append(_document(title, " ".join(body), len(documents)))
            title, body = line, []
        elif title and line.startswith(title):
            body.append(line[len(title) :])
        elif title:
            body.append(line)
    if title:
        documents.append(_document(title, " ".join(body), len(documents)))
    return Handbook(documents=tuple(documents))


def _looks_like_title(line: str, nxt: str) -> bool:
    if len(line) > 30 or _MARKER_RE.match(line) or re.search(r"[。，,:：；;]", line):
        return False
    return nxt.startswith(line) or bool(
        len(line) <= 20 and re.search(r"(制度|手册|规范|办法|条例)\d*$", line)
    )


def _document(title: str, body: str, index: int) -> Document:
    pieces = list(_MARKER_RE.finditer(body))
    preamble = body[: pieces[0].start()] if pieces else body
    levels: dict[str, int] = {}
    rows = []
    seen: dict[str, int] = {}
    for n, match in enumerate(pieces):
        end = pieces[n + 1].start() if n + 1 < len(pieces) else len(body)
        kind_name = match.lastgroup or "dec"
        level = levels.setdefault(kind_name, len(levels) + 1)
        number = match.group(0)
        anchor = number.rstrip("、.")
        seen[anchor] = seen.get(anchor, 0) + 1
        if seen[anchor] > 1:
            anchor = f"{anchor}-{seen[anchor]}"
        rows.append(
            {
                "level": level,
                "number": number,
                "title": "",
                "text": body[match.end() : end].strip(),
                "kind": "article" if kind_name == "article" else "item",
                "anchor": anchor,
            }
        )
    return Document(
        slug=f"doc-{index + 1:02d}",
        title=title,
        kind="regulation",
        preamble=preamble.strip(),
        sections=sections_from_rows(rows),
        source=SourceRef(SEED.name, ""),
    )


def load_real_handbook() -> tuple[Handbook, str]:
    """The committed model if present, else the rough cut of the seed; and which one it is."""
    if MODEL.is_file():
        return handbook_from_dict(json.loads(MODEL.read_text(encoding="utf-8"))), "handbook/model.json"
    return rough_seed_model(SEED.read_text(encoding="utf-8")), "rough cut of the seed (no model.json yet)"


@pytest.fixture(scope="session")
def segmenter() -> Segmenter:
    return load_segmenter(dictionaries(REPO))


@pytest.fixture(scope="session")
def real_handbook() -> tuple[Handbook, str]:
    return load_real_handbook()


@pytest.fixture(scope="session")
def real_engine(
    tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter, real_handbook: tuple[Handbook, str]
) -> Iterator[WhooshSearchEngine]:
    root = tmp_path_factory.mktemp("index")
    source = current_source(real_handbook[0])
    build_index(root, source.release, source.search_documents(), segmenter)
    engine = WhooshSearchEngine(root, segmenter)
    yield engine
    engine.close()
