"""Seed import benchmark: the real handbook text, warm and cold, and a ×100 enlargement.

``bench_seed`` measures, on ``handbook/sources/marketing-handbook-2010.txt``:

* warm: the import (read, clean, split, recover structure and jobs) in this
  process, median of ``repeat`` runs, and the same plus writing the output;
* baseline: plain reading and splitting of the same text in the same process
  (decode, split lines, a line-start regex for numbers), so that the import
  can be given as a ratio that is less sensitive to the machine;
* cold: ``handbook import SEED --json`` as a new process (interpreter start-up
  and imports of every stage's CLI included), and the importer alone in a new
  process, median of a few runs;
* ×100: the seed text repeated 100 times (2,000 documents), import and
  baseline once each, with the ratio to 100 warm seed imports (1.0 = linear).

    .venv/bin/python bench/import_seed_bench.py --repeat 7
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.model import SourceRef  # noqa: E402
from importers.cli import write_output  # noqa: E402
from importers.pipeline import run_import  # noqa: E402
from importers.structure import recover  # noqa: E402
from importers.text import read_text_bytes  # noqa: E402

SEED = ROOT / "handbook" / "sources" / "marketing-handbook-2010.txt"
ENLARGEMENT = 100
_NUMBER_AT_LINE_START = re.compile(
    r"^(第[一二三四五六七八九十百\d]+[编章节条]|[一二三四五六七八九十]+、|\d+[.、])"
)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _median(action: Callable[[], object], repeat: int) -> float:
    action()  # warm-up: imports, regex compilation, disk cache
    return statistics.median(_timed(action) for _ in range(repeat))


def _baseline(data: bytes) -> int:
    """What any reader must do anyway: decode, split lines, spot numbered lines."""
    lines = [line.strip() for line in data.decode("utf-8").splitlines() if line.strip()]
    return sum(1 for line in lines if _NUMBER_AT_LINE_START.match(line))


def _import_bytes(data: bytes, name: str) -> int:
    blocks = read_text_bytes(data, name).value
    return len(recover(blocks, SourceRef(name, "")).value)


_IMPORTER_ONLY = (
    "import sys; from pathlib import Path; from importers.pipeline import import_files;"
    "from domain.serialize import dumps, handbook_to_dict;"
    "sys.stdout.write(dumps(handbook_to_dict(import_files([Path(sys.argv[1])]))))"
)


def _cold_start(repeat: int, whole_cli: bool = True) -> float:
    """A new process: the whole ``handbook`` CLI (every stage registers), or the importer alone."""
    if whole_cli:
        command = [sys.executable, "-c", "from cli.main import main; main()", "import", str(SEED), "--json"]
    else:
        command = [sys.executable, "-c", _IMPORTER_ONLY, str(SEED)]
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT, timeout=120)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def bench_seed(repeat: int = 5) -> dict[str, float]:
    """Seconds for the seed import (warm, with output, cold) and the ×100 enlargement, with ratios."""
    data = SEED.read_bytes()
    warm = _median(lambda: run_import([SEED]), repeat)
    with tempfile.TemporaryDirectory(prefix="seed-bench-") as tmp:

        def import_and_write() -> None:
            run = run_import([SEED])
            write_output(run.handbook, Path(tmp), run)

        warm_write = _median(import_and_write, repeat)
    baseline = _median(lambda: _baseline(data), repeat * 10)
    big = b"\n".join([data] * ENLARGEMENT)
    big_import = _timed(lambda: _import_bytes(big, "enlarged.txt"))
    big_baseline = _timed(lambda: _baseline(big))
    cold = _cold_start(max(3, repeat // 2))
    cold_importer = _cold_start(max(3, repeat // 2), whole_cli=False)
    return {
        "repeat": repeat,
        "seed_bytes": len(data),
        "warm_import_s": warm,
        "warm_import_and_write_s": warm_write,
        "baseline_s": baseline,
        "warm_ratio_to_baseline": warm / baseline,
        "cold_start_s": cold,
        "cold_start_importer_only_s": cold_importer,
        "x100_import_s": big_import,
        "x100_baseline_s": big_baseline,
        "x100_ratio_to_baseline": big_import / big_baseline,
        "x100_vs_100_warm": big_import / (ENLARGEMENT * warm),
    }


def print_seed(result: dict[str, float]) -> None:
    print(
        f"seed import ({result['seed_bytes'] / 1024:.0f} KiB, median of {result['repeat']:.0f}): "
        f"warm {result['warm_import_s'] * 1000:.0f} ms (target < 1 s), "
        f"with Markdown/model/report written {result['warm_import_and_write_s'] * 1000:.0f} ms, "
        f"cold start {result['cold_start_s'] * 1000:.0f} ms (`handbook import --json`; "
        f"{result['cold_start_importer_only_s'] * 1000:.0f} ms for the importer alone); "
        f"plain reading+splitting {result['baseline_s'] * 1000:.2f} ms, "
        f"ratio {result['warm_ratio_to_baseline']:.0f}x"
    )
    print(
        f"x{ENLARGEMENT} enlargement: import {result['x100_import_s']:.2f} s, "
        f"plain reading+splitting {result['x100_baseline_s'] * 1000:.0f} ms "
        f"(ratio {result['x100_ratio_to_baseline']:.0f}x); "
        f"{result['x100_vs_100_warm']:.2f}x the time of {ENLARGEMENT} seed imports (1.00 = linear)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repetitions; the median is reported")
    args = parser.parse_args(argv)
    print_seed(bench_seed(repeat=args.repeat))


if __name__ == "__main__":
    main()
