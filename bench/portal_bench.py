"""Portal benchmark: HR dashboard at scale, chain verification, signing under load.

(Over 400 lines on purpose: a benchmark is one file that runs alone, seeding, the same-run
baselines and the measures side by side, so that a reader sees what each figure is compared with.)

Seeds (bulk inserts, no ORM) N employees × R regulations × V versions with
signatures on every earlier version and on the current one for 70 % of the
people, then measures:

1. the HR dashboard (and drill-down, overdue list, CSV matrix export) rendered
   through the real app, median of several requests;
2. ``handbook acks verify`` over the whole chain;
3. signing throughput and latency: gunicorn (``--workers``, gthread) on the
   same database, ``--clients`` concurrent loopback clients (threads, urllib,
   one cookie jar each, CSRF on) each signing ``--signs`` regulations.

    .venv/bin/python bench/portal_bench.py                       # SQLite (temp file)
    scripts/with-postgres .venv/bin/python bench/portal_bench.py # PostgreSQL ($DATABASE_URL)

Options scale it down for a smoke run: ``--employees 500 --signs 5``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, make_url, text  # noqa: E402

from domain.canonical import content_hash  # noqa: E402
from domain.model import Document, Section, SectionKind, SourceRef  # noqa: E402
from domain.serialize import document_to_dict  # noqa: E402
from portal.acks.chain import ChainFields, record_hash  # noqa: E402
from portal.acks.keys import RecordSigner  # noqa: E402
from portal.acks.models import GENESIS_HASH  # noqa: E402
from portal.auth.passwords import hash_password  # noqa: E402
from portal.migrate import upgrade  # noqa: E402

PASSWORD = "bench-pass-1"
DEPARTMENTS = [f"部门{i:02d}" for i in range(1, 21)]
SIGNED_CURRENT_SHARE = 0.7
BATCH = 10_000


def bench_document(slug: str, title: str, version: int, clauses: int = 12) -> Document:
    articles = tuple(
        Section(
            2,
            f"第{i}条",
            "",
            f"{title}第{i}条的规定文本，第{version}版，要求员工遵守相关流程与纪律。" * 3,
            SectionKind.ARTICLE,
            f"第{i}条",
        )
        for i in range(1, clauses + 1)
    )
    chapter = Section(1, "第一章", "总则", "", SectionKind.CHAPTER, "第一章", articles)
    return Document(slug, title, "regulation", "", (chapter,), SourceRef("bench", "0" * 64))


def _chunks(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bulk_insert(connection: Any, table: Any, rows: Iterator[dict[str, Any]]) -> None:
    """COPY on PostgreSQL (several times faster than INSERTs), batched executemany elsewhere."""
    if connection.dialect.name != "postgresql":
        for chunk in _chunks(rows):
            connection.execute(table.insert(), chunk)
        return
    first = next(rows, None)
    if first is None:
        return
    columns = list(first)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write_row([first[c] for c in columns])
        for row in rows:
            copy.write_row([row[c] for c in columns])
    cursor.close()


def seed(engine: Engine, employees: int, regulations: int, versions: int, signer: RecordSigner) -> dict[str, Any]:
    """Bulk-load the scenario; returns counts and the seeding time."""
    from portal.acks.models import AckChainHead, Acknowledgement, AckSignature
    from portal.assignments.models import Assignment
    from portal.auth.models import User, UserRole
    from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord

    started = time.perf_counter()
    now = dt.datetime(2026, 6, 1, 8, 0)
    password_hash = hash_password(PASSWORD, "fast")
    with engine.begin() as c:
        c.execute(
            ReleaseRecord.__table__.insert(),
            [
                {
                    "id": k,
                    "version": f"2026.{k}",
                    "title": "基准手册",
                    "effective": dt.date(2026, k, 1),
                    "notes": "",
                    "editorial": False,
                    "published_at": now,
                }
                for k in range(1, versions + 1)
            ],
        )
        c.execute(
            Regulation.__table__.insert(),
            [
                {
                    "id": r,
                    "slug": f"reg-{r:02d}",
                    "title": f"基准制度{r:02d}",
                    "kind": "regulation",
                    "position": r,
                    "retired": False,
                    "current_version_id": (r - 1) * versions + versions,
                }
                for r in range(1, regulations + 1)
            ],
        )
        version_rows, version_sha = [], {}
        for r in range(1, regulations + 1):
            for k in range(1, versions + 1):
                vid = (r - 1) * versions + k
                document = bench_document(f"reg-{r:02d}", f"基准制度{r:02d}", k)
                version_sha[vid] = content_hash(document)
                version_rows.append(
                    {
                        "id": vid,
                        "regulation_id": r,
                        "release_id": k,
                        "content_sha256": version_sha[vid],
                        "title": document.title,
                        "document_json": json.dumps(document_to_dict(document), ensure_ascii=False),
                        "substantive": True,
                        "baseline_version_id": vid,
                        "previous_version_id": vid - 1 if k > 1 else None,
                        "clause_count": 12,
                        "created_at": now,
                    }
                )
        c.execute(RegulationVersion.__table__.insert(), version_rows)
        users = (
            {
                "id": u,
                "employee_no": f"B{u:05d}",
                "name": f"员工{u:05d}",
                "department": DEPARTMENTS[u % len(DEPARTMENTS)],
                "position": "专员",
                "hire_date": dt.date(2020, 1, 1) + dt.timedelta(days=u % 2000),
                "email": f"b{u}@example.com",
                "password_hash": password_hash,
                "must_change_password": False,
                "active": True,
                "session_token": f"t{u}",
                "created_at": now,
            }
            for u in range(1, employees + 1)
        )
        bulk_insert(c, User.__table__, users)
        roles = ({"user_id": u, "role": "employee"} for u in range(1, employees + 1))
        bulk_insert(c, UserRole.__table__, roles)
        c.execute(UserRole.__table__.insert(), [{"user_id": 1, "role": "hr"}])
        assignments = (
            {
                "user_id": u,
                "regulation_id": r,
                "requested_on": dt.date(2026, 1, 1),
                "due_on": dt.date(2026, 2, 1) if u % 10 == 0 else dt.date(2026, 12, 31),
            }
            for u in range(1, employees + 1)
            for r in range(1, regulations + 1)
        )
        bulk_insert(c, Assignment.__table__, assignments)

        signed_current = int(employees * SIGNED_CURRENT_SHARE)
        prev, ack_id = GENESIS_HASH, 0
        moment = dt.datetime(2025, 1, 1, 8, 0)

        def acks() -> Iterator[dict[str, Any]]:
            nonlocal prev, ack_id, moment
            for k in range(1, versions + 1):
                last = k == versions
                for u in range(1, employees + 1):
                    if last and u > signed_current:
                        continue
                    for r in range(1, regulations + 1):
                        vid = (r - 1) * versions + k
                        ack_id += 1
                        moment += dt.timedelta(seconds=7)
                        fields = ChainFields(
                            u, r, vid, version_sha[vid], f"员工{u:05d}", moment, "10.0.0.1", "bench", prev
                        )
                        digest = record_hash(fields)
                        signatures.append(
                            {"ack_id": ack_id, "key_id": signer.key_id, "signature": signer.sign_record(digest)}
                        )
                        yield {
                            "id": ack_id,
                            "user_id": u,
                            "regulation_id": r,
                            "version_id": vid,
                            "text_sha256": fields.text_sha256,
                            "signed_name": fields.signed_name,
                            "signed_at": moment,
                            "ip": fields.ip,
                            "user_agent": fields.user_agent,
                            "prev_hash": prev,
                            "record_hash": digest,
                        }
                        prev = digest

        signatures: list[dict[str, Any]] = []
        if engine.dialect.name == "postgresql":
            # The chain guard checks each row against the last one; the bulk load writes a chain it built
            # itself, in order, so the guard is switched off for this transaction only (it costs 3x here).
            c.execute(text("SET LOCAL session_replication_role = replica"))
        bulk_insert(c, Acknowledgement.__table__, acks())
        bulk_insert(c, AckSignature.__table__, iter(signatures))
        c.execute(
            AckChainHead.__table__.update()
            .where(AckChainHead.id == 1)
            .values(last_ack_id=ack_id, last_hash=prev, count=ack_id)
        )
        if engine.dialect.name == "postgresql":
            for table in (
                "users",
                "acknowledgements",
                "regulations",
                "releases",
                "regulation_versions",
                "assignments",
                "user_roles",
            ):
                c.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                    )
                    if table != "user_roles"
                    else text("SELECT 1")
                )
    with engine.connect() as c:
        c.execute(text("ANALYZE"))
        c.commit()
    return {"acks": ack_id, "assignments": employees * regulations, "seconds": time.perf_counter() - started}


def time_requests(client: Any, url: str, repeat: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, buffered=True)
        assert response.status_code == 200, (url, response.status_code)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), min(timings)


def dashboard_figures(url: str, root: Path, repeat: int) -> dict[str, tuple[float, float]]:
    from portal.app import create_app
    from portal.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "HANDBOOK_ROOT": root,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_PROFILE": "fast",
        }
    )
    client = app.test_client()
    assert client.post("/login", data={"employee_no": "B00001", "password": PASSWORD}).status_code == 302
    pages = {
        "dashboard (all departments)": "/hr/dashboard/",
        "dashboard (one department)": "/hr/dashboard/?department=部门03",
        "drill-down (unsigned, page 1)": "/hr/dashboard/people?department=部门03&regulation_id=5&only=unsigned",
        "overdue list (page 1)": "/hr/dashboard/people?only=overdue",
        "matrix CSV export": "/hr/dashboard/export.csv",
    }
    figures = {name: time_requests(client, path, repeat) for name, path in pages.items()}
    # Baselines in the same process: the framework's floor (a request that does
    # nothing) and the SQL floor (one grouped pass over assignments and users,
    # without the signature probe) - the dashboard's cost is read against these.
    figures[BASELINE_REQUEST] = time_requests(client, "/healthz", repeat)
    with app.app_context():
        figures[BASELINE_SQL] = _time_sql(db.session(), repeat)
        figures.update(_matrix_figures(db.session(), repeat))
    with app.app_context():
        from portal.acks.keys import load_signer
        from portal.acks.services import verify_chain

        verifier = load_signer(root / "var" / "ack-signing-key.pem").verifier
        start = time.perf_counter()
        report = verify_chain(db.session(), verifier)
        state = f"{report.checked:,} records intact" if report.ok else f"broken at #{report.first_break}"
        figures[f"acks verify (whole chain: {state})"] = (time.perf_counter() - start, 0.0)
        start = time.perf_counter()
        verify_chain(db.session(), None)
        figures["baseline: acks verify, hashes only (no signature check)"] = (time.perf_counter() - start, 0.0)
        db.session.remove()
        db.engine.dispose()
    return figures


COUNTED = "matrix from the completion counters (service call)"
SCANNED = "matrix by the old scan (service call)"


def _matrix_figures(session: Any, repeat: int) -> dict[str, tuple[float, float]]:
    """The dashboard's matrix read from the counters and computed by the scan they replace, same data."""
    from portal.signing_status.queries import DashboardFilter, completion_matrix

    today = dt.date(2026, 6, 1)
    figures = {}
    for name, scan in ((COUNTED, False), (SCANNED, True)):
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            completion_matrix(session, DashboardFilter(), today, scan=scan)
            timings.append(time.perf_counter() - start)
        figures[name] = (statistics.median(timings), min(timings))
    counted = completion_matrix(session, DashboardFilter(), today)
    assert counted.cells == completion_matrix(session, DashboardFilter(), today, scan=True).cells, "counters ≠ scan"
    return figures


def rebuild_counters(engine: Engine) -> tuple[int, float]:
    """The seed bypasses the services, so the counters are counted once afterwards (``handbook counters rebuild``)."""
    from sqlalchemy.orm import Session

    from portal.signing_status.counters import rebuild

    started = time.perf_counter()
    with Session(engine) as session:
        rows = rebuild(session)
        session.commit()
    return rows, time.perf_counter() - started


def bench_signer(root: Path) -> RecordSigner:
    """The portal's signing key below the bench's root (the served portal signs with it too)."""
    from portal.acks.keys import create_key, load_signer

    path = root / "var" / "ack-signing-key.pem"
    return load_signer(path) if path.exists() else create_key(path)


BASELINE_REQUEST = "baseline: empty request (/healthz)"
BASELINE_SQL = "baseline: bare SQL pass (assignments × users grouped by department)"
BASELINE_SQL_TEXT = text(
    "SELECT u.department, a.regulation_id, count(*) FROM assignments a "
    "JOIN users u ON u.id = a.user_id GROUP BY u.department, a.regulation_id"
)


def _time_sql(session: Any, repeat: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        session.execute(BASELINE_SQL_TEXT).all()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), min(timings)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(url: str, root: Path, port: int, workers: int) -> None:
    """The server half (a child process): gunicorn on the seeded database, fast password hashing."""
    from portal.app import create_app
    from portal.server import serve as run

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "HANDBOOK_ROOT": root,
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_PROFILE": "fast",
        }
    )
    import logging

    logging.getLogger("gunicorn.access").disabled = True
    run(app, "127.0.0.1", port, workers, threads=4)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def client_session(base: str, employee_no: str) -> tuple[urllib.request.OpenerDirector, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    page = opener.open(f"{base}/login", timeout=30).read().decode("utf-8")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    data = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "employee_no": employee_no, "password": PASSWORD}
    ).encode()
    try:
        opener.open(f"{base}/login", data=data, timeout=30)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.code
    # The CSRF token is renewed at login (portal.auth): take the signed-in session's.
    page = opener.open(f"{base}/my/signatures", timeout=30).read().decode("utf-8")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token once signed in"
    return opener, token.group(1)


def load_test(
    base: str, clients: int, signs: int, employees: int, regulations: int, versions: int, offset: int = 0
) -> dict[str, float]:
    """``offset``: skip that many of the people who have not signed (a second run signs as others)."""
    first_unsigned = int(employees * SIGNED_CURRENT_SHARE) + 1 + offset
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def worker(index: int) -> None:
        user = first_unsigned + index
        opener, token = client_session(base, f"B{user:05d}")
        order = list(range(1, regulations + 1))
        random.Random(index).shuffle(order)
        barrier.wait()
        for r in order[:signs]:
            version_id = (r - 1) * versions + versions
            data = urllib.parse.urlencode(
                {
                    "csrf_token": token,
                    "version_id": version_id,
                    "confirm": "y",
                    "full_name": f"员工{user:05d}",
                }
            ).encode()
            start = time.perf_counter()
            status = 0
            try:
                opener.open(f"{base}/regulations/reg-{r:02d}/sign", data=data, timeout=60)
            except urllib.error.HTTPError as answer:
                status = answer.code
            elapsed = time.perf_counter() - start
            with lock:
                if status == 302:
                    latencies.append(elapsed)
                else:
                    errors.append(str(status))

    wall = run_clients(clients, worker, barrier)
    if not latencies:
        raise SystemExit(f"no signature went through; statuses: {sorted(set(errors))}")
    return {"signatures": len(latencies), "errors": len(errors), **latency_figures(latencies, wall)}


def run_clients(clients: int, worker: Callable[[int], None], barrier: threading.Barrier) -> float:
    """Start one thread per client, release them together, and return the wall time until all finish."""
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def latency_figures(latencies: list[float], wall: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "seconds": wall,
        "per_second": len(ordered) / wall,
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p95_ms": 1000 * ordered[int(len(ordered) * 0.95) - 1],
        "p99_ms": 1000 * ordered[int(len(ordered) * 0.99) - 1],
        "max_ms": 1000 * ordered[-1],
    }


def baseline_load(base: str, clients: int, requests_each: int) -> dict[str, float]:
    """The same clients and server answering an empty request: the HTTP floor for signing."""
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def worker(_index: int) -> None:
        opener = urllib.request.build_opener()
        barrier.wait()
        for _ in range(requests_each):
            start = time.perf_counter()
            opener.open(f"{base}/healthz", timeout=60).read()
            with lock:
                latencies.append(time.perf_counter() - start)

    return latency_figures(latencies, run_clients(clients, worker, barrier))


def wait_for(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", default=os.environ.get("DATABASE_URL", ""), help="SQLAlchemy URL (default: temp SQLite)"
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--regulations", type=int, default=30)
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--signs", type=int, default=20, help="signatures per client")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="the database is already seeded: measure only")
    parser.add_argument("--skip-load", action="store_true", help="skip the signing load test")
    parser.add_argument("--more-workers", type=int, default=4,
                        help="a second signing run with this many gunicorn workers (0: none)")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)  # the server half's root: the seeding half's (its key)
    args = parser.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="portal-bench-"))
    if args.serve:
        serve(args.serve[0], work, int(args.serve[1]), args.workers)
        return
    url = (
        args.database.replace("postgresql://", "postgresql+psycopg://", 1)
        or f"sqlite:///{work / 'bench.sqlite3'}"
    )
    engine = create_engine(url)
    print(
        f"## {engine.dialect.name}: {args.employees} employees × {args.regulations} regulations × {args.versions} versions"
    )
    if args.reuse:
        upgrade(engine)
        with engine.connect() as c:
            c.execute(text("ANALYZE"))
            c.commit()
    else:
        if engine.dialect.name == "postgresql":
            with engine.begin() as c:
                c.execute(text("DROP SCHEMA public CASCADE"))
                c.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
        seeded = seed(engine, args.employees, args.regulations, args.versions, bench_signer(work))
        print(
            f"seeded {seeded['acks']:,} acknowledgements and {seeded['assignments']:,} assignments"
            f" in {seeded['seconds']:.1f} s"
        )
    rows, seconds = rebuild_counters(engine)
    print(f"- counters rebuilt (handbook counters rebuild): {rows:,} rows in {seconds:.2f} s")
    engine.dispose()
    figures = dashboard_figures(url, work, args.repeat)
    for name, (median, best) in figures.items():
        print(
            f"- {name}: {1000 * median:.1f} ms"
            + (f" (median of {args.repeat}, best {1000 * best:.1f} ms)" if best else "")
        )
    dashboard = figures["dashboard (all departments)"][0]
    print(
        f"- ratio: dashboard / bare SQL pass = {dashboard / figures[BASELINE_SQL][0]:.1f}x; "
        f"dashboard / empty request = {dashboard / figures[BASELINE_REQUEST][0]:.0f}x"
    )
    print(
        f"- dashboard with counters: page {1000 * dashboard:.1f} ms = "
        f"{dashboard / figures[BASELINE_REQUEST][0]:.1f}x the same-run empty request "
        f"({1000 * figures[BASELINE_REQUEST][0]:.1f} ms); matrix from counters {1000 * figures[COUNTED][0]:.1f} ms "
        f"vs the old scan {1000 * figures[SCANNED][0]:.1f} ms ({figures[SCANNED][0] / figures[COUNTED][0]:.0f}x)"
    )
    if args.skip_load:
        return
    floor, figures = signing_run(url, work, args, args.workers)
    print(
        f"- signing under load (gunicorn {args.workers} workers × 4 threads, {args.clients} clients): "
        f"{figures['signatures']} signatures in {figures['seconds']:.1f} s = {figures['per_second']:.0f}/s; "
        f"latency p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms, "
        f"max {figures['max_ms']:.0f} ms; errors {figures['errors']}"
    )
    print(
        f"- baseline, same clients on an empty request: {floor['per_second']:.0f}/s, "
        f"p50 {floor['p50_ms']:.0f} ms, p99 {floor['p99_ms']:.0f} ms; "
        f"ratio signing/empty: throughput {figures['per_second'] / floor['per_second']:.2f}x, "
        f"p99 {figures['p99_ms'] / floor['p99_ms']:.1f}x"
    )
    verify = create_engine(url)
    from sqlalchemy.orm import Session

    from portal.acks.services import verify_chain

    with Session(verify) as session:
        report = verify_chain(session, bench_signer(work).verifier)
    verify.dispose()
    print(
        f"- chain after the load: {report.checked:,} records, {'intact' if report.ok else report.first_break}"
    )
    if args.more_workers:
        more_workers_lines(url, work, args)
    since_checkpoint_lines(url, work, args)
    full_verify_job_lines(url, work)


def signing_run(url: str, work: Path, args: argparse.Namespace, workers: int,
                offset: int = 0) -> tuple[dict[str, float], dict[str, float]]:
    """The empty-request baseline and the signing load, against gunicorn with ``workers`` workers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port), "--workers", str(workers), "--work", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base)
        floor = baseline_load(base, args.clients, args.signs)
        figures = load_test(base, args.clients, args.signs, args.employees, args.regulations, args.versions, offset)
    finally:
        server.terminate()
        server.wait(30)
    return floor, figures


def more_workers_lines(url: str, work: Path, args: argparse.Namespace) -> None:
    """Signing again with more gunicorn workers (other people), each figure against its own baseline."""
    floor, figures = signing_run(url, work, args, args.more_workers, offset=args.clients)
    dialect = make_url(url).get_dialect().name
    print(
        f"- signing on {dialect} with {args.more_workers} workers × 4 threads, {args.clients} clients: "
        f"{figures['signatures']} signatures = {figures['per_second']:.0f}/s; p50 {figures['p50_ms']:.0f} ms, "
        f"p99 {figures['p99_ms']:.0f} ms, max {figures['max_ms']:.0f} ms; errors {figures['errors']}; "
        f"baseline (same server, empty request) {floor['per_second']:.0f}/s, p99 {floor['p99_ms']:.0f} ms; "
        f"ratio throughput {figures['per_second'] / floor['per_second']:.2f}x, p99 {figures['p99_ms'] / floor['p99_ms']:.1f}x"
    )


NEW_RECORDS = 10_000


def since_checkpoint_lines(url: str, work: Path, args: argparse.Namespace) -> None:
    """A checkpoint of the chain as it stands, 10,000 records appended after it, then
    ``verify --since`` (as the CLI runs it: signatures in one process per core) against the same
    records' hashes-only walk."""
    from sqlalchemy.orm import Session

    from portal.acks.services import verify_since
    from portal.acks.walk import WalkStart, walk

    signer = bench_signer(work)
    engine = create_engine(url)
    with Session(engine) as session:
        checkpoint = bench_checkpoint(session, signer)
        append_records(session, signer, args, NEW_RECORDS)
        session.commit()
        workers = os.cpu_count() or 1
        start = time.perf_counter()
        report = verify_since(session, signer.verifier, checkpoint, workers=workers)
        since = time.perf_counter() - start
        start = time.perf_counter()
        bare = walk(session, None, WalkStart(checkpoint.last_ack_id, checkpoint.head_hash))
        floor = time.perf_counter() - start
    engine.dispose()
    state = "intact" if report.ok else f"broken at {report.first_break}"
    print(
        f"- acks verify --since checkpoint ({bare.checked:,} new records, {workers} processes): {1000 * since:.0f} ms"
        f" ({state}); baseline: the same records' hashes only, 1 process: {1000 * floor:.0f} ms;"
        f" ratio {since / floor:.1f}x"
    )


def bench_checkpoint(session: Any, signer: RecordSigner) -> Any:
    """A signed checkpoint of the head (``make_checkpoint`` without its full walk: the bench has just
    verified the chain)."""
    from dataclasses import asdict

    from portal.acks.keys import CHECKPOINT_TAG
    from portal.acks.services import Checkpoint

    count, last_id, last_hash = session.execute(
        text("SELECT count, last_ack_id, last_hash FROM ack_chain_head WHERE id = 1")).one()
    unsigned = Checkpoint(count=count, last_ack_id=last_id, head_hash=last_hash,
                          created_at=dt.datetime.now(dt.UTC).isoformat(), key_id=signer.key_id)
    return Checkpoint(**{**asdict(unsigned), "signature": signer.signature(CHECKPOINT_TAG, unsigned.payload())})


def append_records(session: Any, signer: RecordSigner, args: argparse.Namespace, count: int) -> None:
    """``count`` more chained, signed records after the head (current versions, cycling over people)."""
    last_id, prev = session.execute(text("SELECT last_ack_id, last_hash FROM ack_chain_head WHERE id = 1")).one()
    shas = dict(session.execute(text("SELECT id, content_sha256 FROM regulation_versions")).all())
    moment = dt.datetime(2026, 7, 1, 8, 0)
    records, signatures = [], []
    for n in range(count):
        user, r = n % args.employees + 1, n // args.employees % args.regulations + 1
        vid = (r - 1) * args.versions + args.versions
        moment += dt.timedelta(seconds=1)
        digest = record_hash(ChainFields(user, r, vid, shas[vid], f"员工{user:05d}", moment, "10.0.0.2", "bench", prev))
        last_id += 1
        records.append({"id": last_id, "user_id": user, "regulation_id": r, "version_id": vid,
                        "text_sha256": shas[vid], "signed_name": f"员工{user:05d}", "signed_at": moment,
                        "ip": "10.0.0.2", "user_agent": "bench", "prev_hash": prev, "record_hash": digest})
        signatures.append({"ack_id": last_id, "key_id": signer.key_id, "signature": signer.sign_record(digest)})
        prev = digest
    from portal.acks.models import AckChainHead, Acknowledgement, AckSignature

    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL session_replication_role = replica"))  # as the seed: a chain built here
    bulk_insert(connection, Acknowledgement.__table__, iter(records))
    bulk_insert(connection, AckSignature.__table__, iter(signatures))
    connection.execute(AckChainHead.__table__.update().where(AckChainHead.id == 1).values(
        last_ack_id=last_id, last_hash=prev, count=AckChainHead.count + count))
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT setval(pg_get_serial_sequence('acknowledgements', 'id'), :n)"), {"n": last_id})


def full_verify_job_lines(url: str, work: Path) -> None:
    """The full walk as the verify page runs it: an ``acks_verify`` job through the job runner
    (signatures in one process per core, progress after every batch), against a hashes-only walk and
    a one-process walk of the same chain."""
    from sqlalchemy.orm import Session

    from portal.acks.services import verify_chain
    from portal.app import create_app
    from portal.extensions import db
    from portal.tasks import state
    from portal.tasks.queue import queue_for
    from portal.tasks.runner import Runner

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "HANDBOOK_ROOT": work, "SECRET_KEY": "bench",
                      "PASSWORD_HASH_PROFILE": "fast"})
    from portal.clock import SystemClock

    with app.app_context():
        job_id = queue_for(app).enqueue(db.session(), SystemClock(), "acks_verify", {}, None)
        db.session.remove()
    start = time.perf_counter()
    Runner(app)(job_id)
    job_seconds = time.perf_counter() - start
    with app.app_context():
        view = state.view(db.session(), job_id)
        db.session.remove()
        db.engine.dispose()
    engine = create_engine(url)
    with Session(engine) as session:
        start = time.perf_counter()
        bare = verify_chain(session, None)
        floor = time.perf_counter() - start
        start = time.perf_counter()
        verify_chain(session, bench_signer(work).verifier, workers=1)
        single = time.perf_counter() - start
    engine.dispose()
    outcome = f"{view.status}: {view.message}" if view else "no job"
    print(
        f"- full verify as a job (acks_verify, {os.cpu_count()} processes, {bare.checked:,} records): "
        f"{1000 * job_seconds:.0f} ms ({outcome}); baseline: hashes only {1000 * floor:.0f} ms, ratio "
        f"{job_seconds / floor:.1f}x; one process with signatures {1000 * single:.0f} ms "
        f"(the job is {single / job_seconds:.1f}x faster)"
    )

if __name__ == "__main__":
    main()
