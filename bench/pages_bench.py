"""Page timings on the run command's data: login → /my, /site/, the org chart, against an empty request.

Prepares the demo (``handbook demo --no-serve``: the real handbook, its site and index, demo accounts)
in a temporary copy of the project's handbook unless ``--root`` names a prepared one, starts the portal
as ``scripts/run`` does (``handbook serve``, gunicorn), and times each page over loopback with a cookie
jar, ``--repeat`` times; the baseline in the same run is ``/healthz`` (routing, the unit of work and
one response, nothing else).  Medians and ratios are printed.

    .venv/bin/python bench/pages_bench.py --repeat 15
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANDBOOK = ROOT / ".venv" / "bin" / "handbook"
EMPLOYEE, PASSWORD = "E1001", "Staff@2026"  # a demo employee (portal/demo.py: ACCOUNTS)


def prepare(root: Path) -> None:
    """A project root with the real handbook, mkdocs.yml and theme, then the demo's data in it."""
    shutil.copytree(ROOT / "handbook", root / "handbook")
    shutil.copytree(ROOT / "publishing" / "theme", root / "publishing" / "theme")
    shutil.copytree(ROOT / "publishing" / "dict", root / "publishing" / "dict")
    shutil.copy(ROOT / "publishing" / "hooks.py", root / "publishing" / "hooks.py")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    subprocess.run([str(HANDBOOK), "--root", str(root), "demo", "--no-serve"], check=True, stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(root: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TASK_CONSUMER": "0"}
    server = subprocess.Popen([str(HANDBOOK), "--root", str(root), "serve", "--port", str(port), "--workers", str(workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the portal did not start")


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def login_to_my(base: str) -> Callable[[], None]:
    """One fresh browser: the login form, then the POST and its redirect to /my (timed: POST + /my)."""

    def run() -> None:
        client = opener()
        form = client.open(f"{base}/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        data = {"employee_no": EMPLOYEE, "password": PASSWORD, **({"csrf_token": token.group(1)} if token else {})}
        page = client.open(f"{base}/login", urllib.parse.urlencode(data).encode())
        assert page.geturl().endswith("/my"), page.geturl()
        page.read()

    return run


def signed_in(base: str) -> urllib.request.OpenerDirector:
    client = opener()
    form = client.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"employee_no": EMPLOYEE, "password": PASSWORD, **({"csrf_token": token.group(1)} if token else {})}
    client.open(f"{base}/login", urllib.parse.urlencode(data).encode()).read()
    return client


def get(client: urllib.request.OpenerDirector, url: str, marker: str) -> Callable[[], None]:
    def run() -> None:
        body = client.open(url).read().decode()
        assert marker in body, (url, body[:300])

    return run


def browser_measures(base: str, repeat: int) -> dict[str, list[float]]:
    """The same pages in Debian's chromium: from navigation to the load event (scripts, styles, fonts, images)."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()

        def login() -> float:
            """From the click on 登录 to /my's load event (the form itself is loaded before the clock starts)."""
            context.clear_cookies()
            page.goto(f"{base}/login")
            page.fill("#employee_no", EMPLOYEE)
            page.fill("#password", PASSWORD)
            started = time.perf_counter()
            with page.expect_navigation(url=re.compile(r"/my$"), wait_until="load"):
                page.click("button[type=submit]")
            return (time.perf_counter() - started) * 1000

        def visit(url: str) -> Callable[[], None]:
            return lambda: page.goto(url, wait_until="load") and None

        measures = {"browser: empty request (/healthz), baseline": timed(visit(f"{base}/healthz"), repeat),
                    "browser: login → /my (click → load)": timed(login, repeat)}
        measures["browser: /site/"] = timed(visit(f"{base}/site/"), repeat)
        measures["browser: org chart"] = timed(visit(f"{base}/site/latest/org-chart/"), repeat)
        browser.close()
    return measures


def report(measures: dict[str, list[float]]) -> None:
    baseline = statistics.median(next(iter(measures.values())))
    print(f"{'page':44} {'median ms':>10} {'min':>8} {'max':>8} {'× baseline':>11}")
    for name, values in measures.items():
        median = statistics.median(values)
        print(f"{name:44} {median:10.1f} {min(values):8.1f} {max(values):8.1f} {median / baseline:11.1f}")


def timed(step: Callable[[], float | None], repeat: int) -> list[float]:
    """Milliseconds of each run of ``step`` (or what it returns, when it times only part of itself)."""
    step()  # warm: the worker's first request of a kind (templates, the site's files) is not the steady state
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        own = step()
        times.append(own if own is not None else (time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="a project root already prepared with `handbook demo --no-serve`")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-browser", action="store_true", help="HTTP only, without chromium")
    args = parser.parse_args()
    scratch = None if args.root else Path(tempfile.mkdtemp(prefix="pages-bench-"))
    root = args.root or scratch
    assert root is not None
    try:
        if scratch is not None:
            prepare(scratch)
        port = free_port()
        server = start(root, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            client = signed_in(base)
            measures = {
                "empty request (/healthz), baseline": timed(get(opener(), f"{base}/healthz", "ok"), args.repeat),
                "login → /my (POST + redirect)": timed(login_to_my(base), args.repeat),
                "/site/ (→ current release's home)": timed(get(client, f"{base}/site/", "管理制度手册"), args.repeat),
                "org chart (/site/latest/org-chart/)": timed(get(client, f"{base}/site/latest/org-chart/", "组织"), args.repeat),
            }
            in_browser = {} if args.no_browser else browser_measures(base, args.repeat)
        finally:
            server.terminate()
            server.wait(10)
        report(measures)
        if in_browser:
            report(in_browser)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
