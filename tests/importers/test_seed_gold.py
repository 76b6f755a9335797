"""The real seed against a hand-checked gold set: documents, headings, job descriptions.

Scores are printed (``pytest -s``) so that they can be quoted; floors keep
them from sliding back.  A plain line-start regex split is scored on the
same headings as a baseline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.model import Document, Handbook, JobDescription
from domain.normalize import comparison_key
from importers.pipeline import import_files

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "handbook" / "sources" / "marketing-handbook-2010.txt"
GOLD = Path(__file__).with_name("gold") / "seed_gold.yaml"

FLOORS = {
    "documents": (0.95, 0.95),
    "headings": (0.95, 0.95),
    "job fields": (0.9, 0.9),
}


@dataclass(frozen=True)
class Score:
    name: str
    matched: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 0.0

    def __str__(self) -> str:
        return (
            f"{self.name}: precision {self.precision:.3f} ({self.matched}/{self.predicted}), "
            f"recall {self.recall:.3f} ({self.matched}/{self.expected})"
        )


def _overlap(predicted: Iterable[str], expected: Iterable[str]) -> tuple[int, int, int]:
    p, e = Counter(predicted), Counter(expected)
    return sum((p & e).values()), sum(p.values()), sum(e.values())


def _key(text: str) -> str:
    return comparison_key(text)


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    return import_files([SEED])


def _first_document(handbook: Handbook, title: str) -> Document | None:
    return next((d for d in handbook.documents if _key(d.title) == _key(title)), None)


def _heading_pairs(document: Document) -> list[str]:
    return [_key(f"{s.number}|{s.title}") for s in document.walk()]


def score_documents(handbook: Handbook, gold: dict[str, Any]) -> Score:
    matched, predicted, expected = _overlap(
        (_key(d.title) for d in handbook.documents), (_key(t) for t in gold["documents"])
    )
    return Score("documents", matched, predicted, expected)


def score_headings(handbook: Handbook, gold: dict[str, Any]) -> Score:
    totals = [0, 0, 0]
    for title, pairs in gold["headings"].items():
        document = _first_document(handbook, title)
        found = _heading_pairs(document) if document else []
        for i, n in enumerate(_overlap(found, (_key(p) for p in pairs))):
            totals[i] += n
    return Score("headings", *totals)


def _job_items(job: JobDescription | dict[str, Any]) -> dict[str, list[str]]:
    """A job as field → entries (scalars are one-entry lists)."""
    get = job.get if isinstance(job, dict) else lambda name: getattr(job, name, None)
    out: dict[str, list[str]] = {}
    for name in ("department", "reports_to", "summary"):
        value = get(name)
        if value:
            out[name] = [str(value)]
    for name in ("subordinates", "responsibilities", "authorities", "qualifications"):
        values = get(name) or []
        if values:
            out[name] = [str(v) for v in values]
    return out


def score_jobs(handbook: Handbook, gold: dict[str, Any]) -> Score:
    """Each job title and each field entry is an item; a gold entry matches a predicted one that starts with it."""
    expected_jobs = {(_key(j["document"]), _key(j["title"])): j for j in gold["jobs"]}
    predicted_jobs: dict[tuple[str, str], JobDescription] = {}
    for document in handbook.documents:
        for job in document.job_descriptions:
            # Roles only named (org chart, 岗位设置) are scored in test_jobs_seed_gold.py.
            if job.summary or job.responsibilities or job.authorities or job.qualifications:
                predicted_jobs.setdefault((_key(document.title), _key(job.title)), job)
    matched = len(expected_jobs.keys() & predicted_jobs.keys())
    predicted = len(predicted_jobs)
    expected = len(expected_jobs)
    for key in expected_jobs.keys() | predicted_jobs.keys():
        gold_fields = _job_items(expected_jobs[key]) if key in expected_jobs else {}
        found_fields = _job_items(predicted_jobs[key]) if key in predicted_jobs else {}
        for name in gold_fields.keys() | found_fields.keys():
            wanted = [_key(v) for v in gold_fields.get(name, [])]
            got = [_key(v) for v in found_fields.get(name, [])]
            predicted += len(got)
            expected += len(wanted)
            for entry in got:
                hit = next((w for w in wanted if entry.startswith(w)), None)
                if hit is not None:
                    wanted.remove(hit)
                    matched += 1
    return Score("job fields", matched, predicted, expected)


_BASELINE_RE = re.compile(
    r"^(第[一二三四五六七八九十百\d]+[编章节条]|[一二三四五六七八九十]+、|\d+[.、]|[（(][一二三四五六七八九十\d]+[)）])"
)


def score_regex_baseline(gold: dict[str, Any]) -> Score:
    """A plain split: a number at the start of a line opens a heading, titled up to the first punctuation."""
    found = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        match = _BASELINE_RE.match(line.strip())
        if match:
            rest = line.strip()[match.end() :]
            title = re.split(r"[，,。；;：:]", rest, maxsplit=1)[0] if len(rest) <= 20 else ""
            found.append(_key(f"{match.group(1)}|{title}"))
    expected = [_key(p) for pairs in gold["headings"].values() for p in pairs]
    return Score("headings, regex baseline", *_overlap(found, expected))


def test_scores_meet_their_floors(handbook: Handbook, gold: dict[str, Any]) -> None:
    scores = [score_documents(handbook, gold), score_headings(handbook, gold), score_jobs(handbook, gold)]
    baseline = score_regex_baseline(gold)
    print()
    for score in [*scores, baseline]:
        print(f"SEED GOLD {score}")
    for score in scores:
        precision_floor, recall_floor = FLOORS[score.name]
        assert score.precision >= precision_floor, str(score)
        assert score.recall >= recall_floor, str(score)
    assert score_headings(handbook, gold).recall > baseline.recall


def test_every_gold_document_is_found_in_reading_order(handbook: Handbook, gold: dict[str, Any]) -> None:
    assert [_key(d.title) for d in handbook.documents] == [_key(t) for t in gold["documents"]]


def test_file_name_line_is_not_a_document(handbook: Handbook) -> None:
    assert not any(d.title.endswith(".doc") for d in handbook.documents)
    assert any(d.text == "营销中心目标管理制度.doc" for d in handbook.report.dropped)


def test_repeated_titles_give_unique_slugs_in_reading_order(handbook: Handbook) -> None:
    slugs = [d.slug for d in handbook.documents if d.title == "营销中心管理制度"]
    assert slugs == ["营销中心管理制度", "营销中心管理制度-2", "营销中心管理制度-3"]
    assert len({d.slug for d in handbook.documents}) == len(handbook.documents)


def test_job_description_fields_of_the_vice_president(handbook: Handbook) -> None:
    job = next(j for j in handbook.job_descriptions() if j.title == "营销副总")
    assert job.reports_to == "总经理"
    assert job.subordinates == ("营销部经理", "业务部经理", "企划部经理", "客服部经理")
    assert job.summary is not None and job.summary.startswith("营销中心整体工作的把握与推进")
    assert len(job.responsibilities) == 7


def test_document_kinds(handbook: Handbook) -> None:
    kinds = {d.slug: d.kind for d in handbook.documents}
    assert kinds["营销管理手册"] == "handbook"
    assert kinds["营销中心管理制度完整"] == "job-descriptions"
    assert kinds["营销中心案场管理制度"] == "mixed"
    assert kinds["酒业公司营销中心规章制度"] == "regulation"


def _letters(text: str) -> Counter[str]:
    """Characters that carry content (letters, digits, CJK), in a form every rewrite keeps."""
    return Counter(ch for ch in comparison_key(text) if ch.isalnum())


def test_every_source_character_is_kept_or_reported_as_dropped(handbook: Handbook) -> None:
    source = _letters(SEED.read_text(encoding="utf-8"))
    kept = Counter[str]()
    for document in handbook.documents:
        kept += _letters(document.title) + _letters(document.preamble)
        for section in document.walk():
            kept += _letters(section.number + section.title + section.text)
            for table in section.tables:
                kept += _letters("".join(cell for row in table for cell in row))
    dropped = Counter[str]()
    for record in handbook.report.dropped:
        dropped += _letters(record.text)
    assert source - (kept + dropped) == Counter(), "lost silently"
    assert (kept + dropped) - source == Counter(), "invented or duplicated"
