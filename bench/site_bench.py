"""Site build time: our mkdocs.yml (hooks, nested nav, theme overrides) against a bare build.

Two handbooks:

* the real one: ``handbook/model.json`` (the imported seed), or the
  Markdown already in ``handbook/`` when there is no model;
* a synthetic one of N pages (default 1,000): documents recombined from the
  real clauses, 20 per source file, written by our Markdown writer.

Each is built by ``python -m mkdocs build`` in a fresh process (what a user
runs), once with our ``mkdocs.yml`` and once with a *bare* config: the same
theme, Markdown extensions and search plugin, but no hooks, no template
overrides, no extra CSS and MkDocs' automatic nav (flat: one folder of
pages), and once with that bare config plus the nested nav our hook builds,
written out as a static ``nav:``.  ours/bare is what a user gets compared
with a plain set-up; ours/bare+nav is what the hooks and overrides cost.

    .venv/bin/python bench/site_bench.py [--pages 1000] [--repeat 3] [--large-repeat 1]

Prints medians (seconds) and the size of the built site.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.model import Document, Handbook, Section, SectionKind, SourceRef  # noqa: E402
from domain.numerals import to_chinese_numeral as chinese_number  # noqa: E402
from domain.serialize import handbook_from_dict  # noqa: E402
from publishing.hooks import NOT_PAGES  # noqa: E402
from publishing.markdown.files import write_handbook  # noqa: E402
from publishing.nav import build_nav, scan_pages  # noqa: E402


def real_handbook() -> Handbook | None:
    model = ROOT / "handbook" / "model.json"
    if not model.is_file():
        return None
    return handbook_from_dict(json.loads(model.read_text(encoding="utf-8")))


def clause_pool(handbook: Handbook | None) -> list[str]:
    """Clause texts to recombine: the real model's, else the seed's lines."""
    if handbook is not None:
        texts = [s.text for d in handbook.documents for s in d.walk() if len(s.text) > 10]
        if texts:
            return texts
    seed = next((ROOT / "handbook" / "sources").glob("*.txt"))
    return [line for line in seed.read_text(encoding="utf-8").splitlines() if len(line) > 10]


def synthetic_handbook(pages: int, pool: list[str], seed: int = 7) -> Handbook:
    """``pages`` regulations of 3 chapters × 4 articles, 20 documents per source file."""
    rng = random.Random(seed)
    documents = []
    for i in range(pages):
        chapters = []
        for c in range(1, 4):
            articles = tuple(
                Section(
                    2,
                    f"第{chinese_number((c - 1) * 4 + a)}条",
                    "",
                    rng.choice(pool)[:300],
                    SectionKind.ARTICLE,
                    f"第{chinese_number((c - 1) * 4 + a)}条",
                )
                for a in range(1, 5)
            )
            number = f"第{chinese_number(c)}章"
            chapters.append(Section(1, number, f"章节{c}", "", SectionKind.CHAPTER, number, articles))
        documents.append(
            Document(
                slug=f"doc-{i:04d}",
                title=f"合成制度第{i + 1}号",
                kind="regulation",
                preamble="",
                sections=tuple(chapters),
                source=SourceRef(f"合成汇编{i // 20 + 1:02d}.doc", "0" * 64, "bench"),
            )
        )
    return Handbook(tuple(documents))


def bare_config(ours: Path, docs: Path, out: Path) -> str:
    """Our mkdocs.yml without what we added: hooks, overrides, extra CSS."""
    text = ours.read_text(encoding="utf-8")
    keep = []
    skip = False
    for line in text.splitlines():
        top = line and not line.startswith((" ", "#"))
        if top:
            skip = line.split(":")[0] in ("hooks", "extra_css")
        if skip or line.strip().startswith("custom_dir:"):
            continue
        keep.append(line)
    bare = "\n".join(keep).replace(
        "jieba_dict_user: publishing/dict/company.txt",
        "jieba_dict_user: " + str(ROOT / "publishing/dict/company.txt"),
    )
    return bare + f"\ndocs_dir: {docs}\nsite_dir: {out}\n"


def our_config(ours: Path, docs: Path, out: Path) -> str:
    return f"INHERIT: {ours}\ndocs_dir: {docs}\nsite_dir: {out}\n"


def build_once(config: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config)],
        check=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return time.perf_counter() - start


def site_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def nav_config(ours: Path, docs: Path, out: Path) -> str:
    """The bare config plus the nav our hook would build, written out: isolates the hook's own cost."""
    nav = build_nav(scan_pages(docs, NOT_PAGES))
    return bare_config(ours, docs, out) + yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False)


VARIANTS = (("bare", bare_config), ("bare+nav", nav_config), ("ours", our_config))


def measure(label: str, docs: Path, work: Path, repeat: int) -> dict[str, float]:
    """Median build time and site size per variant; variants interleaved so load drifts hit all alike."""
    ours = ROOT / "mkdocs.yml"
    configs: dict[str, Path] = {}
    for name, make in VARIANTS:
        # Our config's hooks and custom_dir are relative to the repo: keep that file there.
        configs[name] = ROOT / f".bench-{os.getpid()}.yml" if name == "ours" else work / f"{name}.yml"
        configs[name].write_text(make(ours, docs, work / f"site-{name}"), encoding="utf-8")
    times: dict[str, list[float]] = {name: [] for name, _ in VARIANTS}
    try:
        for _ in range(repeat):
            for name, _make in VARIANTS:
                times[name].append(build_once(configs[name]))
    finally:
        configs["ours"].unlink()
    out: dict[str, float] = {}
    for name, _ in VARIANTS:
        out[f"{name}_s"] = statistics.median(times[name])
        out[f"{name}_mb"] = site_size(work / f"site-{name}") / 1e6
    cells = " | ".join(f"{n} {out[f'{n}_s']:6.2f} s {out[f'{n}_mb']:6.1f} MB" for n, _ in VARIANTS)
    print(
        f"{label:<26} {cells} | ours/bare {out['ours_s'] / out['bare_s']:.2f}, "
        f"ours/bare+nav {out['ours_s'] / out['bare+nav_s']:.2f} (median of {repeat})",
        flush=True,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="synthetic pages (0: real handbook only)")
    parser.add_argument("--repeat", type=int, default=3, help="builds per config for the real handbook")
    parser.add_argument("--large-repeat", type=int, default=1, help="builds per config for the synthetic one")
    args = parser.parse_args()

    real = real_handbook()
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        work = Path(tmp)
        docs = work / "real"
        if real is not None:
            write_handbook(real, docs, version="bench")
        else:
            docs = ROOT / "handbook"
        pages = len(list(docs.rglob("*.md")))
        measure(f"real handbook ({pages} pages)", docs, work, args.repeat)

        if not args.pages:
            return
        synthetic = synthetic_handbook(args.pages, clause_pool(real))
        big = work / "synthetic"
        write_handbook(synthetic, big, version="bench")
        pages = len(list(big.rglob("*.md")))
        measure(f"synthetic ({pages} pages)", big, work, args.large_repeat)


if __name__ == "__main__":
    main()
