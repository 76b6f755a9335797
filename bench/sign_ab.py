"""Signing before/after: the same load against a portal served from another tree's code.

Seeds a small scenario (``portal_bench.seed`` of the tree given), serves it with that tree's code
(gunicorn, ``--workers`` × 4 threads), runs the bench's empty-request baseline and then its signing load,
and prints one line.  For an A/B, run it alternately on this tree and on an export of main::

    git archive main | tar -x -C /tmp/base
    .venv/bin/python bench/sign_ab.py . --signs 20
    .venv/bin/python bench/sign_ab.py /tmp/base --signs 20
    scripts/with-postgres .venv/bin/python bench/sign_ab.py . --signs 20 --workers 4
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", type=Path, help="the source tree whose code serves the portal")
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--employees", type=int, default=400)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--signs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tree = args.tree.resolve()
    sys.path[:0] = [str(tree / "bench"), str(tree)]
    bench = importlib.import_module("portal_bench")
    work = Path(tempfile.mkdtemp(prefix="sign-ab-"))
    url = args.database.replace("postgresql://", "postgresql+psycopg://", 1) or f"sqlite:///{work / 'b.sqlite3'}"
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
    bench.upgrade(engine)
    bench.seed(engine, args.employees, 30, 3, bench.bench_signer(work))
    engine.dispose()
    port = bench.free_port()
    server = subprocess.Popen(
        [sys.executable, str(tree / "bench" / "portal_bench.py"), "--serve", url, str(port),
         "--workers", str(args.workers), "--work", str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        bench.wait_for(base)
        floor = bench.baseline_load(base, args.clients, args.signs)
        load = bench.load_test(base, args.clients, args.signs, args.employees, 30, 3)
    finally:
        server.terminate()
        server.wait(30)
    with engine.connect() as c:
        records = c.execute(text("SELECT count(*) FROM acknowledgements")).scalar()
    engine.dispose()
    print(f"{tree.name} {engine.dialect.name} {args.workers} workers: signing {load['per_second']:.0f}/s "
          f"p50 {load['p50_ms']:.0f} ms p99 {load['p99_ms']:.0f} ms errors {load['errors']} "
          f"({load['signatures']} signatures, {records} records); empty request {floor['per_second']:.0f}/s "
          f"p99 {floor['p99_ms']:.0f} ms; ratio {load['per_second'] / floor['per_second']:.2f}x")


if __name__ == "__main__":
    main()
