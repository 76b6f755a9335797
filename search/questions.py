"""A labelled question set and what an engine scores on it: MRR, hit@k, recall@5 and the misses.

Questions are what staff type (``迟到几次扣钱``); each lists the search
documents that answer it by key (``<slug>#<anchor>``, ``job:<slug>``), so a
label names a clause, not a piece of text that may also occur elsewhere.
Used by the quality test and by ``bench/search_bench.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

DEPTH = 10  # ranks beyond this count as not found (reciprocal rank 0)
CUTOFFS = (1, 3, 5, 10)

# A ranker: question → keys of the hits, best first.
Ranker = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class Question:
    text: str
    answers: tuple[str, ...]
    set: str = "held-out"  # "dev": looked at while tuning; "held-out": only measured
    asks: str = ""


@dataclass(frozen=True)
class Scores:
    """What a ranker scored on a set of questions."""

    count: int
    mrr: float
    hits: dict[int, float]  # k → share of questions answered in the top k
    ranks: dict[str, int | None]  # question → rank of its first answer (None: not in the top DEPTH)

    @property
    def recall_at_5(self) -> float:
        return self.hits[5]

    def misses(self, k: int = 5) -> list[str]:
        return [q for q, r in self.ranks.items() if r is None or r > k]

    def line(self) -> str:
        hits = " ".join(f"hit@{k}={v:.3f}" for k, v in self.hits.items())
        return f"n={self.count} MRR={self.mrr:.3f} {hits}"


def load_questions(path: Path) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Question(str(item["q"]), tuple(item["answers"]), item.get("set", "held-out"), item.get("asks", ""))
        for item in data
    ]


def rank_of(keys: Sequence[str], answers: Iterable[str]) -> int | None:
    wanted = set(answers)
    return next((rank for rank, key in enumerate(keys[:DEPTH], start=1) if key in wanted), None)


def score(ranker: Ranker, questions: Sequence[Question]) -> Scores:
    ranks = {q.text: rank_of(ranker(q.text), q.answers) for q in questions}
    n = max(1, len(questions))
    hits = {k: sum(1 for r in ranks.values() if r is not None and r <= k) / n for k in CUTOFFS}
    mrr = sum(1 / r for r in ranks.values() if r is not None) / n
    return Scores(len(questions), mrr, hits, ranks)
