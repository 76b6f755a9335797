"""Where a signature's time goes: pyinstrument over signing requests through the real app (test client).

Seeds a small scenario with ``portal_bench.seed`` (the same rows as the benchmark), signs ``--signs``
regulations as ``--people`` employees who have not signed yet, and prints pyinstrument's call tree of
those requests only (the login is not profiled).

    .venv/bin/python bench/sign_profile.py                        # SQLite (temp file)
    scripts/with-postgres .venv/bin/python bench/sign_profile.py  # PostgreSQL ($DATABASE_URL)

pyinstrument is a development tool, not a dependency: ``.venv/bin/pip install pyinstrument``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import portal_bench  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--signs", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sign-profile-"))
    url = args.database.replace("postgresql://", "postgresql+psycopg://", 1) or f"sqlite:///{work / 'p.sqlite3'}"
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
    portal_bench.upgrade(engine)
    portal_bench.seed(engine, args.employees, 30, 3, portal_bench.bench_signer(work))
    engine.dispose()

    from portal.app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "HANDBOOK_ROOT": work, "SECRET_KEY": "p",
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_PROFILE": "fast"})
    first = int(args.employees * portal_bench.SIGNED_CURRENT_SHARE) + 1
    clients = []
    for user in range(first, first + args.people):
        client = app.test_client()
        answer = client.post("/login", data={"employee_no": f"B{user:05d}", "password": portal_bench.PASSWORD})
        assert answer.status_code == 302
        clients.append((user, client))
    profiler = Profiler(interval=0.0002)
    started = time.perf_counter()
    count = 0
    with profiler:
        for r in range(1, args.signs + 1):
            for user, client in clients:
                answer = client.post(f"/regulations/reg-{r:02d}/sign", data={
                    "version_id": (r - 1) * 3 + 3, "confirm": "y", "full_name": f"员工{user:05d}"})
                assert answer.status_code == 302, answer.status_code
                count += 1
    elapsed = time.perf_counter() - started
    print(f"{engine.dialect.name}: {count} signing requests, {1000 * elapsed / count:.2f} ms each (profiled)")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
