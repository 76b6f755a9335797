"""Search benchmark: index build time and query latency, Whoosh (ours) against SQLite FTS5.

Corpora of N clauses are generated from the real handbook: sentences of its
clauses recombined into new clauses, grouped into documents of 20-40
clauses, each document an edition of a handbook title (2019 版 … 2026 版),
so near-duplicates across editions are common, as in a real release history.
All N clauses go into ONE index (the worst case: a release with N clauses).

For each size: build time; p50/p95 latency of 30 queries through the real
service (top 10 + exact total + stored fields + highlights), each run
``--repeat`` times with the parsed-query cache cleared before each run:
our cached evaluator cold (each query once, as the first query of a freshly
opened engine: without warm-up, and adopting the warm-up ``preload`` does in
gunicorn's master, whose duration is printed separately) and warm (term
postings cached), with and without highlighting; the same index through
Whoosh's own matchers; the same corpus and queries in SQLite FTS5 over the
same jieba-segmented text (top 10 by bm25 + count(*), snippet() for
highlights); and the ratios of the p95s (warm, and warmed-up cold, to FTS5).

    .venv/bin/python bench/search_bench.py --sizes 1000,10000
    .venv/bin/python bench/search_bench.py --sizes 100000 --repeat 3   # minutes: build ≈ N / 600 s
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.serialize import handbook_from_dict  # noqa: E402
from search.analysis import Segmenter, load_segmenter  # noqa: E402
from search.dictionaries import dictionaries  # noqa: E402
from search.documents import SearchDocument  # noqa: E402
from search.engine import WhooshSearchEngine  # noqa: E402
from search.index import build_index  # noqa: E402
from search.process import warm_indexes  # noqa: E402
from search.query import ParsedQuery, QueryError, Word, parse_query  # noqa: E402
from search.questions import load_questions, score  # noqa: E402
from search.sources import current_source  # noqa: E402
from search.warmup import WarmBudget, WarmState  # noqa: E402

QUERIES = [
    "会议纪要由谁签署?",
    "每月几号前交下月目标?",
    "会议纪要",
    "开会迟到早退",
    "午餐时间",
    "样板间",
    "购房者的隐私要保护吗",
    "投诉处理机制",
    "应收账款",
    "本制度由谁负责解释",
    "案场经理职责",
    "客户满意度调查",
    "营销人员学历要求",
    "市场部主要职能",
    "谁负责客户回款的监督",
    "市场营销战略由谁审批",
    "上班可以穿拖鞋吗",
    "绩效考核和工资挂钩吗",
    "泄露商业秘密",
    "向客户索要回扣",
    "销售人员的提成奖励",
    "目标管理卡",
    "PDCA循环一年做几次",
    "战略规划由谁主持编制",
    '"销售合同管理制度"',
    '"会议主持人"',
    "第十条 案场",
    "营销中心 管理",
    "回款 -目标",
    "文档:会议 效果",
]
QUESTIONS = ROOT / "tests" / "search" / "questions.yaml"
EDITIONS = [f"{year} 版" for year in range(2019, 2027)]
_SENTENCE_RE = re.compile(r"[^。；;\n]+[。；;]?")


def clause_pool(segmenter: Segmenter) -> tuple[list[str], list[str]]:
    """Sentences of the real handbook's clauses, and its document titles."""
    model = ROOT / "handbook" / "model.json"
    if model.is_file():
        handbook = handbook_from_dict(json.loads(model.read_text(encoding="utf-8")))
        texts = [s.text for d in handbook.documents for s in d.walk() if s.text]
        titles = [d.title for d in handbook.documents]
    else:
        text = (ROOT / "handbook" / "sources" / "marketing-handbook-2010.txt").read_text(encoding="utf-8")
        texts = text.splitlines()
        titles = [line for line in texts if 4 <= len(line) <= 20 and line.endswith(("制度", "手册", "规范"))]
    sentences = [s.strip() for t in texts for s in _SENTENCE_RE.findall(t) if len(s.strip()) >= 8]
    return sentences, titles or ["营销中心管理制度"]


def make_corpus(size: int, seed: int, segmenter: Segmenter) -> list[SearchDocument]:
    rng = random.Random(seed)
    sentences, titles = clause_pool(segmenter)
    docs: list[SearchDocument] = []
    doc_no = 0
    while len(docs) < size:
        doc_no += 1
        title = f"{rng.choice(titles)}（{rng.choice(EDITIONS)}）"
        slug = f"doc-{doc_no:05d}"
        for article in range(1, min(rng.randint(20, 40), size - len(docs)) + 1):
            text = "".join(rng.sample(sentences, rng.randint(1, 3)))
            number = f"第{article}条"
            docs.append(
                SearchDocument(
                    key=f"{slug}#{number}",
                    kind="clause",
                    document=title,
                    document_slug=slug,
                    number=number,
                    title="",
                    heading_path=(f"第{(article - 1) // 10 + 1}章",),
                    text=text,
                    url=f"/site/bench/regulations/{slug}/#{number}",
                )
            )
    return docs


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(
    run: Callable[[str], object],
    queries: Sequence[str],
    repeat: int,
    before: Callable[[], None],
    clock: Callable[[], float],
) -> list[float]:
    for query in queries:  # warm-up: first touch of each posting list
        run(query)
    samples = []
    for _ in range(repeat):
        for query in queries:
            before()
            started = clock()
            run(query)
            samples.append((clock() - started) * 1000)
    return samples


# --- SQLite FTS5 baseline -------------------------------------------------------------------------------


def build_fts(path: Path, docs: Sequence[SearchDocument], segmenter: Segmenter) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE clauses USING fts5(content, payload UNINDEXED, tokenize='unicode61')")
    rows = (
        (
            " ".join(t for group in segmenter.groups(d.searchable_text) for t in group),
            json.dumps([d.key, d.text]),
        )
        for d in docs
    )
    db.executemany("INSERT INTO clauses(content, payload) VALUES (?, ?)", rows)
    db.commit()
    db.execute("INSERT INTO clauses(clauses) VALUES ('optimize')")
    db.commit()
    return db


def fts_expression(parsed: ParsedQuery) -> str:
    """The same AND-of-words semantics as our engine, in FTS5's query syntax."""

    def quote(token: str) -> str:
        return '"' + token.replace('"', '""') + '"'

    def word(w: Word) -> str:
        if w.subwords:
            return f"({quote(w.text)} OR ({' AND '.join(quote(s) for s in w.subwords)}))"
        return quote(w.text)

    parts = [word(w) for w in parsed.words if not w.optional] or [word(w) for w in parsed.words]
    parts += ['"' + " ".join(p) + '"' for p in parsed.phrases]
    parts += [quote(n) for n in parsed.numbers]
    expression = " AND ".join(parts) or quote("营销")
    for excluded in parsed.excluded:
        expression = f"({expression}) NOT ({' AND '.join(quote(x) for x in excluded)})"
    return expression


def fts_search(db: sqlite3.Connection, segmenter: Segmenter, query: str, highlight: bool) -> int:
    try:
        parsed = parse_query(query, segmenter)
    except QueryError:
        return 0
    expression = fts_expression(parsed)
    shown = "snippet(clauses, 0, '<mark>', '</mark>', '…', 40)" if highlight else "''"
    rows = db.execute(
        f"SELECT payload, {shown} FROM clauses WHERE clauses MATCH ? ORDER BY bm25(clauses) LIMIT 10",
        (expression,),
    ).fetchall()
    total = db.execute("SELECT count(*) FROM clauses WHERE clauses MATCH ?", (expression,)).fetchone()[0]
    for payload, _ in rows:
        json.loads(payload)
    return int(total)


# --- the run -------------------------------------------------------------------------------------------


def bench_size(
    size: int, repeat: int, segmenter: Segmenter, workdir: Path, clock: Callable[[], float]
) -> dict[str, float]:
    docs = make_corpus(size, seed=size, segmenter=segmenter)
    started = time.perf_counter()
    build_index(workdir / "index", "bench", docs, segmenter)
    build_s = time.perf_counter() - started
    r: dict[str, float] = {"clauses": len(docs), "build_s": build_s, "build_per_s": len(docs) / build_s}

    # Our set-up: cached term-at-a-time evaluation.  Cold = each query as the first one on a freshly
    # opened engine: without warm-up (as before), and adopting the warm-up that preload() does in
    # gunicorn's master before the fork (timed separately: it is start-up work, not a request's).
    index_root = workdir / "index"
    started = time.perf_counter()
    states: dict[Path, WarmState] = {}
    warmed = warm_indexes(index_root, WarmBudget(), store=states)
    r["warmup_s"] = time.perf_counter() - started
    r["warmup_postings"] = sum(state.posting_count for state in warmed)
    _record(r, "cold_hl", cold_queries(index_root, segmenter, {}, clock))
    _record(r, "coldwarmed_hl", cold_queries(index_root, segmenter, states, clock))
    states.clear()
    engine = WhooshSearchEngine(index_root, segmenter)
    engine.search("xyzzy")  # opens the searcher (and computes the norms) outside the timings
    clear = engine._prepare.cache_clear
    _record(r, "warm_hl", measure(lambda q: engine.search(q, highlight=True), QUERIES, repeat, clear, clock))
    _record(r, "warm", measure(lambda q: engine.search(q, highlight=False), QUERIES, repeat, clear, clock))
    engine.close()

    # The same index through Whoosh's own matchers and top-N collector (block-max skipping).
    matchers = WhooshSearchEngine(workdir / "index", segmenter, cached_postings=0)
    matchers.search("xyzzy")
    _record(
        r,
        "matchers_hl",
        measure(lambda q: matchers.search(q), QUERIES, repeat, matchers._prepare.cache_clear, clock),
    )
    matchers.close()

    started = time.perf_counter()
    db = build_fts(workdir / "fts.sqlite", docs, segmenter)
    r["fts_build_s"] = time.perf_counter() - started
    _record(
        r,
        "fts_hl",
        measure(lambda q: fts_search(db, segmenter, q, True), QUERIES, repeat, lambda: None, clock),
    )
    _record(
        r, "fts", measure(lambda q: fts_search(db, segmenter, q, False), QUERIES, repeat, lambda: None, clock)
    )
    db.close()
    return r


def cold_queries(
    index_root: Path, segmenter: Segmenter, states: dict[Path, WarmState], clock: Callable[[], float]
) -> list[float]:
    """Each query once, as the first query of a freshly opened engine (opening not timed)."""
    samples = []
    for query in QUERIES:
        engine = WhooshSearchEngine(index_root, segmenter, warm_states=states)
        engine.open_releases()  # what a gunicorn worker does right after the fork
        started = clock()
        engine.search(query)
        samples.append((clock() - started) * 1000)
        engine.close()
    return samples


def _record(r: dict[str, float], name: str, samples: list[float]) -> None:
    r[f"{name}_p50"] = percentile(samples, 0.5)
    r[f"{name}_p95"] = percentile(samples, 0.95)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated clause counts (100000 takes minutes)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each of the 30 queries per measurement"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON lines too")
    parser.add_argument(
        "--cpu", action="store_true", help="time queries in process CPU time (a shared, busy machine)"
    )
    parser.add_argument(
        "--no-questions", action="store_true", help="skip the question set's MRR and hit@k on the real handbook"
    )
    args = parser.parse_args(argv)
    segmenter = load_segmenter(dictionaries(ROOT))
    clock = time.process_time if args.cpu else time.perf_counter
    clock_name = "CPU time" if args.cpu else "wall clock"
    print(f"{len(QUERIES)} queries × {args.repeat} runs; p50/p95 in ms ({clock_name}); one index per corpus")
    print(
        "matchers = Whoosh's own query execution; cached = our evaluator (cold: each query first on a fresh"
        " engine, without / with the start-up warm-up; warm: caches filled)"
    )
    print(
        f"{'clauses':>8} {'build s':>8} {'/s':>5} | {'matchers +hl':>13} | {'cold +hl':>11} "
        f"{'warmed-up':>11} {'warm-up s':>9} | {'cached warm +hl':>15} {'no hl':>11} | "
        f"{'fts5 +hl':>11} {'no hl':>11} | {'warm/fts5':>9} {'cold/fts5':>9}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
            r = bench_size(size, args.repeat, segmenter, Path(tmp), clock)
        print(
            f"{r['clauses']:>8.0f} {r['build_s']:>8.1f} {r['build_per_s']:>5.0f} | "
            f"{_pair(r, 'matchers_hl'):>13} | {_pair(r, 'cold_hl'):>11} {_pair(r, 'coldwarmed_hl'):>11} "
            f"{r['warmup_s']:>9.2f} | {_pair(r, 'warm_hl'):>15} {_pair(r, 'warm'):>11} | "
            f"{_pair(r, 'fts_hl'):>11} {_pair(r, 'fts'):>11} | "
            f"{r['warm_hl_p95'] / max(r['fts_hl_p95'], 1e-6):>8.1f}x "
            f"{r['coldwarmed_hl_p95'] / max(r['fts_hl_p95'], 1e-6):>8.1f}x",
            flush=True,
        )
        if args.json:
            print(json.dumps(r))
    if not args.no_questions:
        with tempfile.TemporaryDirectory(prefix="search-questions-") as tmp:
            quality = question_quality(segmenter, Path(tmp))
        if args.json:
            print(json.dumps({"questions": quality}))


def question_quality(segmenter: Segmenter, workdir: Path) -> dict[str, dict[str, float]]:
    """MRR and hit@k of the labelled question set (tests/search/questions.yaml) on the real handbook."""
    handbook = handbook_from_dict(json.loads((ROOT / "handbook" / "model.json").read_text(encoding="utf-8")))
    source = current_source(handbook)
    build_index(workdir, source.release, source.search_documents(), segmenter)
    engine = WhooshSearchEngine(workdir, segmenter)
    questions = load_questions(QUESTIONS)
    out: dict[str, dict[str, float]] = {}
    try:
        for name in ("dev", "held-out"):
            scores = score(
                lambda q: [h.key for h in engine.search(q, limit=10, highlight=False).hits],
                [q for q in questions if q.set == name],
            )
            print(f"questions {name}: {scores.line()}", flush=True)
            out[name] = {"n": scores.count, "mrr": scores.mrr, **{f"hit@{k}": v for k, v in scores.hits.items()}}
    finally:
        engine.close()
    return out


def _pair(r: dict[str, float], name: str) -> str:
    return f"{r[name + '_p50']:.1f}/{r[name + '_p95']:.1f}"


if __name__ == "__main__":
    main()
