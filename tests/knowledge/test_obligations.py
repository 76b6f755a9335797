"""Dated duties: precision and recall per kind of expression on a labelled set, the seed, and the schedule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from domain.model import Document, Section, SectionKind, SourceRef
from knowledge.obligations import Schedule, find_schedules, obligations_in, who_of

GOLD: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "gold" / "obligations.yaml").read_text(encoding="utf-8")
)
FIELDS = ("day", "month", "weekday", "part", "deadline", "within", "unit", "trigger", "date")
KINDS = ("daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly", "after-event", "once")


def agrees(expected: dict[str, Any], schedule: Schedule) -> bool:
    if expected["kind"] != schedule.kind:
        return False
    return all(getattr(schedule, f) == expected[f] for f in FIELDS if f in expected)


def score() -> tuple[dict[str, tuple[int, int, int]], int, int]:
    """Per kind: (right, found, expected); then who right / duties right."""
    tally = {k: [0, 0, 0] for k in KINDS}
    who_right = duties_right = 0
    for entry in GOLD:
        found = find_schedules(entry["text"])
        expected = entry["duties"]
        for schedule in found:
            tally[schedule.kind][1] += 1
        for duty in expected:
            tally[duty["kind"]][2] += 1
            match = next((s for s in found if agrees(duty, s)), None)
            if match is not None:
                tally[duty["kind"]][0] += 1
                duties_right += 1
                who_right += who_of(entry["text"]) == duty["who"]
    return {k: (r, f, e) for k, (r, f, e) in tally.items()}, who_right, duties_right


def test_precision_and_recall_per_kind_on_the_labelled_set() -> None:
    per_kind, who_right, duties_right = score()
    lines = []
    for kind, (right, found, expected) in per_kind.items():
        p = right / found if found else 1.0
        r = right / expected if expected else 1.0
        lines.append(f"  {kind:12} precision {p:.2f} ({right}/{found})  recall {r:.2f} ({right}/{expected})")
    right = sum(v[0] for v in per_kind.values())
    found = sum(v[1] for v in per_kind.values())
    expected = sum(v[2] for v in per_kind.values())
    print("\nobligations on the labelled set:\n" + "\n".join(lines))
    print(f"  all          precision {right / found:.2f} ({right}/{found})  recall {right / expected:.2f} "
          f"({right}/{expected}); who right {who_right}/{duties_right}")
    assert right / found >= 0.9 and right / expected >= 0.85
    assert who_right / duties_right >= 0.85


def test_a_clause_gives_obligations_with_its_permalink_and_subject() -> None:
    text = "财务部每月25日前完成上月费用的结算。结算结果每季度末报总经理审阅。"
    section = Section(2, "第五条", "", text, SectionKind.ARTICLE, "第五条")
    document = Document("expenses", "费用报销管理办法", "regulation", "", (section,), SourceRef("e.txt", "0" * 64))
    found = obligations_in(document)
    assert [(o.clause.anchor, o.who, o.schedule.kind) for o in found] == [
        ("第五条", "财务部", "monthly"), ("第五条", "财务部", "quarterly")  # the clause's subject carries over
    ]


def test_first_due_days_follow_the_schedule() -> None:
    today = dt.date(2026, 12, 4)  # a Friday
    assert find_schedules("每月28日前提交")[0].first_due(today) == dt.date(2026, 12, 28)
    assert find_schedules("每月3日前报送")[0].first_due(today) == dt.date(2027, 1, 3)
    assert find_schedules("每周一召开例会")[0].first_due(today) == dt.date(2026, 12, 7)
    assert find_schedules("每季度末编制报告")[0].first_due(today) == dt.date(2026, 12, 31)
    assert find_schedules("次年3月31日前提交")[0].first_due(today) == dt.date(2027, 3, 31)
    assert find_schedules("每月末进行盘点")[0].first_due(dt.date(2027, 2, 1)) == dt.date(2027, 2, 28)
    assert find_schedules("合同签订后三日内交财务部")[0].first_due(today) is None  # waits for its event
