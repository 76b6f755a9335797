"""Shared fixtures: jieba once per session, the real handbook's model, one index built from it.

The quality tests must run on the real imported handbook (``handbook/model.json``).
Until the importers have committed it, :func:`rough_seed_model` cuts the seed
text into documents and numbered clauses with a few crude rules: good enough
to search, not a substitute for the importers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.model import Document, Handbook, JobDescription, Release, Section, SectionKind, SourceRef
from domain.serialize import handbook_from_dict, sections_from_rows
from search.analysis import Segmenter, load_segmenter
from search.dictionaries import dictionaries
from search.documents import SearchDocument
from search.engine import WhooshSearchEngine
from search.index import build_index
from search.process import SearchProcess
from search.sources import current_source, release_source
from search.warmup import WarmBudget, WarmState

REPO = Path(__file__).resolve().parents[2]
TINY_TEXTS = ["会议纪要由会议主持人签署", "会议", "", "每月28日前制订下月目标，会议纪要及时分发", "样板间和会议室"]
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
def real_index_root(
    tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter, real_handbook: tuple[Handbook, str]
) -> Path:
    root = tmp_path_factory.mktemp("index")
    source = current_source(real_handbook[0])
    build_index(root, source.release, source.search_documents(), segmenter)
    return root


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Path:
    """A tiny build of five texts (one empty), for comparing our scoring and evaluation with Whoosh's."""
    root = tmp_path_factory.mktemp("scoring")
    docs = [SearchDocument(f"d{i}", "clause", "制度", "s", "", "", (), t, "/") for i, t in enumerate(TINY_TEXTS)]
    return build_index(root, "r", docs, segmenter)


@pytest.fixture(scope="module")
def warm_states(real_index_root: Path) -> dict[Path, WarmState]:
    """What a preload reads ahead from the real index, kept apart from this process's holder."""
    states: dict[Path, WarmState] = {}
    SearchProcess().warm_indexes(real_index_root, WarmBudget(), store=states)
    return states


@pytest.fixture(scope="session")
def real_engine(real_index_root: Path, segmenter: Segmenter) -> Iterator[WhooshSearchEngine]:
    engine = WhooshSearchEngine(real_index_root, segmenter)
    yield engine
    engine.close()


def _section(
    number: str,
    text: str,
    anchor: str,
    kind: str = "item",
    title: str = "",
    children: tuple[Section, ...] = (),
) -> Section:
    level = {"chapter": 1, "heading": 1, "article": 2, "item": 2}[kind]
    return Section(level, number, title, text, SectionKind(kind), anchor, tuple(children))


def small_handbook() -> Handbook:
    """A few documents written by hand from the seed's text, for exact expectations."""
    meeting = Document(
        slug="meeting-rules",
        title="市场营销中心会议管理制度",
        kind="regulation",
        preamble="",
        sections=(
            _section(
                "三、",
                "",
                "三",
                "heading",
                "会议的组织",
                (
                    _section(
                        "4.",
                        "会议记录:会议需要有专人记录会议内容和决议事项,并整理成会议纪要,交由会议主持人审核和签署。",
                        "三-4",
                    ),
                ),
            ),
            _section(
                "五、",
                "",
                "五",
                "heading",
                "会议效果评估",
                (
                    _section(
                        "2.",
                        "会议纪要反馈:会议纪要需及时编写、审核和分发给参会人员,确保与会人员对会议内容以及决议事项有准确的了解。",
                        "五-2",
                    ),
                ),
            ),
            _section("第十条", "会议纪律:参会人员不得迟到早退,不得嘈杂、打断他人发言。", "第十条", "article"),
        ),
        source=SourceRef("seed.txt", ""),
    )
    site = Document(
        slug="case-site-rules",
        title="营销中心案场规章制度",
        kind="regulation",
        preamble="",
        sections=(
            _section(
                "第一章",
                "",
                "第一章",
                "chapter",
                "总则",
                (
                    _section(
                        "第一条",
                        "为规范管理和维护营销中心案场的秩序,保障购房者的利益,制定本规章制度。",
                        "第一条",
                        "article",
                    ),
                    _section(
                        "第十条",
                        "营销中心案场应当配备齐全的资料和样板间,确保购房者能够了解项目的详细信息。",
                        "第十条",
                        "article",
                    ),
                    _section(
                        "第十一条",
                        "营销中心案场应当保护购房者的隐私信息,不得泄露个人资料。",
                        "第十一条",
                        "article",
                    ),
                ),
            ),
        ),
        source=SourceRef("seed.txt", ""),
    )
    targets = Document(
        slug="target-rules",
        title="营销中心目标管理制度",
        kind="regulation",
        preamble="为了实现本企业的经营目标,完成每个阶段公司营销目标,特制订本制度。",
        sections=(
            _section(
                "四、",
                "",
                "四",
                "heading",
                "营销目标的实施",
                (
                    _section(
                        "2.",
                        "各部门要围绕公司营销目标和本部门的目标,认真组织月度“PDCA循环”。每月28日前制订下月目标,总结本月目标实施情况。",
                        "四-2",
                    ),
                    _section(
                        "4.", "营销中心要建立目标管理卡,设立目标实施方案,逐步达到目标管理标准化。", "四-4"
                    ),
                ),
            ),
            _section("一、", "公司下达的销售目标、回款目标、利润目标等指标和其他要求。", "一"),
        ),
        source=SourceRef("seed.txt", ""),
        job_descriptions=(
            JobDescription(
                title="销售部经理",
                slug="sales-manager",
                department="销售部",
                reports_to="营销副总",
                responsibilities=(
                    "负责对客户回款情况的管理和监督工作。",
                    "处理客户投诉,跟踪处理投诉结果,维护客户关系。",
                ),
                document_slug="target-rules",
            ),
        ),
    )
    return Handbook(documents=(meeting, site, targets))


@pytest.fixture(scope="module")
def small_engine(
    tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter
) -> Iterator[WhooshSearchEngine]:
    root = tmp_path_factory.mktemp("small-index")
    release = Release("2026.1", "2026 年第 1 版", dt.date(2026, 1, 1), small_handbook().documents)
    source = release_source(release)
    build_index(root, source.release, source.search_documents(), segmenter, effective=source.effective)
    engine = WhooshSearchEngine(root, segmenter)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def small_book() -> Handbook:
    return small_handbook()
