"""Import benchmarks: the seed import, and .doc batch conversion against bare LibreOffice.

``bench_doc_batch``: ~20 .doc files (made from the seed text with python-docx
and LibreOffice, plus the readable .doc files of ../shared/corpus) are read
by our .doc reader (``importers.wordbin.read_doc_files``: checks, ONE soffice
call, reading every .docx into blocks) and, in the same run, converted by a
bare ``soffice --headless --convert-to docx`` of the same files.  Both use a
warm private profile; runs alternate so that machine noise hits both; the
figures are medians per file, and the ratio ours / bare (target ≤ 1.2).

    .venv/bin/python bench/import_bench.py                 # every benchmark
    .venv/bin/python bench/import_bench.py --only doc_batch --repeat 5
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from domain.errors import ImportFailed  # noqa: E402
from importers.wordbin import DocReaderOptions, default_options, read_doc_files  # noqa: E402
from importers.wordx import read_docx_bytes  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_seed_bench import bench_seed, print_seed  # noqa: E402

__all__ = ["bench_doc_batch", "bench_seed"]

SEED = ROOT / "handbook" / "sources" / "marketing-handbook-2010.txt"
CORPUS = ROOT / ".." / "shared" / "corpus"
# The corpus .doc files LibreOffice can read (the encrypted and fuzzed ones are error cases, not load).
CORPUS_DOCS = (
    "zh_std_psr_part1_draft.doc",
    "zh_explain_part1.doc",
    "poi_Word6.doc",
    "poi_Lists.doc",
    "poi_table-merges.doc",
)
GENERATED_DOCS = 15


def _seed_docx_files(folder: Path, count: int) -> list[Path]:
    """``count`` .docx files of ~30 seed lines each, every 6th line in a heading style."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    files = []
    for number in range(count):
        document = docx.Document()
        chunk = [lines[(number * 29 + i) % len(lines)] for i in range(30)]
        for index, line in enumerate(chunk):
            document.add_paragraph(line, style="Heading 2" if index % 6 == 0 else None)
        path = folder / f"seed-{number:02d}.docx"
        document.save(str(path))
        files.append(path)
    return files


def _make_doc_batch(folder: Path, soffice: str) -> list[Path]:
    sources = _seed_docx_files(folder, GENERATED_DOCS)
    _bare_soffice(soffice, folder / "profile-setup", folder, sources, target="doc")
    docs = [folder / f"{p.stem}.doc" for p in sources]
    for name in CORPUS_DOCS:
        shutil.copyfile(CORPUS / name, folder / name)
        docs.append(folder / name)
    missing = [p.name for p in docs if not p.exists()]
    if missing:
        raise SystemExit(f"could not prepare {missing}")
    return docs


def _bare_soffice(
    soffice: str, profile: Path, out_dir: Path, files: Sequence[Path], target: str = "docx"
) -> None:
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bench_doc_batch(repeat: int = 3) -> dict[str, float]:
    """Seconds per .doc file through our reader and through bare soffice, and their ratio."""
    options = default_options()
    if options.soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed for the .doc batch benchmark")
    soffice = options.soffice
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        work = Path(tmp)
        (work / "docs").mkdir()
        docs = _make_doc_batch(work / "docs", soffice)
        ours = DocReaderOptions(soffice=soffice, antiword=options.antiword, profile_dir=work / "profile-ours")
        bare_profile = work / "profile-bare"

        def run_ours() -> None:
            failed = [o for o in read_doc_files(docs, ours) if isinstance(o, ImportFailed)]
            if failed:
                raise SystemExit(f"our reader failed on {failed}")

        def run_bare() -> None:
            out = Path(tempfile.mkdtemp(dir=work, prefix="bare-out-"))
            _bare_soffice(soffice, bare_profile, out, docs)
            outputs = sorted(out.glob("*.docx"))
            if len(outputs) != len(docs):
                raise SystemExit("bare soffice did not convert every file")
            if not converted:
                converted.extend(p.read_bytes() for p in outputs)
            shutil.rmtree(out)

        converted: list[bytes] = []

        # Warm-up, not measured: both profiles are created and the disk cache filled.
        run_ours()
        run_bare()
        ours_times, bare_times = [], []
        for _ in range(repeat):
            bare_times.append(_timed(run_bare))
            ours_times.append(_timed(run_ours))
        # Our CPU work on the outputs alone (checks excluded): hidden behind soffice when pipelined.
        read_only = statistics.median(
            _timed(lambda: [read_docx_bytes(data, "bench.docx") for data in converted]) for _ in range(repeat)
        )
    files = len(docs)
    ours_median, bare_median = statistics.median(ours_times), statistics.median(bare_times)
    return {
        "files": files,
        "repeat": repeat,
        "ours_s_per_file": ours_median / files,
        "bare_s_per_file": bare_median / files,
        "ours_batch_s": ours_median,
        "bare_batch_s": bare_median,
        "ratio": ours_median / bare_median,
        "ours_min_s": min(ours_times),
        "ours_max_s": max(ours_times),
        "bare_min_s": min(bare_times),
        "bare_max_s": max(bare_times),
        "docx_reading_s": read_only,
    }


def _print_doc_batch(result: dict[str, float]) -> None:
    print(
        f".doc batch of {result['files']:.0f} files (median of {result['repeat']:.0f}): "
        f"ours {result['ours_s_per_file'] * 1000:.0f} ms/file ({result['ours_batch_s']:.2f} s), "
        f"bare soffice {result['bare_s_per_file'] * 1000:.0f} ms/file ({result['bare_batch_s']:.2f} s), "
        f"ratio {result['ratio']:.2f}x (target ≤ 1.2x); "
        f"runs ours {result['ours_min_s']:.2f}-{result['ours_max_s']:.2f} s, "
        f"bare {result['bare_min_s']:.2f}-{result['bare_max_s']:.2f} s; "
        f"reading the {result['files']:.0f} .docx outputs alone {result['docx_reading_s']:.2f} s"
    )


def _benchmarks() -> dict[str, Callable[..., object]]:
    """Every ``bench_*`` function of this module, by name without the prefix."""
    return {
        name.removeprefix("bench_"): function
        for name, function in globals().items()
        if name.startswith("bench_") and callable(function)
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; the median is reported")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON lines too")
    args = parser.parse_args(argv)
    wanted = args.only.split(",") if args.only else list(_benchmarks())
    printers = {"doc_batch": _print_doc_batch, "seed": print_seed}
    for name in wanted:
        function = _benchmarks()[name]
        takes_repeat = "repeat" in inspect.signature(function).parameters
        result = function(repeat=args.repeat) if takes_repeat else function()
        if name in printers and isinstance(result, dict):
            printers[name](result)
        elif result is not None:
            print(name, result)
        if args.json and isinstance(result, dict):
            print(json.dumps({"benchmark": name, **result}))


if __name__ == "__main__":
    main()
