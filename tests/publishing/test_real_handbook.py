"""The committed handbook/ builds with ``mkdocs build --strict``, exactly as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from domain import urls
from domain.serialize import handbook_from_dict
from publishing.releases import load_releases
from publishing.site import SiteBuild, build_site

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real-site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_strict_build_of_the_real_handbook_passes(built: Path) -> None:
    assert (built / "index.html").is_file()
    assert (built / "search" / "search_index.json").is_file()


def test_sources_and_models_are_not_published(built: Path) -> None:
    assert not (built / "sources").exists()
    assert not (built / "releases").exists()
    assert not (built / "model.json").exists()


def test_every_anchor_of_the_model_is_an_id_in_the_site(built: Path) -> None:
    model = handbook_from_dict(json.loads((ROOT / "handbook" / "model.json").read_text(encoding="utf-8")))
    assert model.documents
    for document in model.documents:
        html = (built / urls.document_page(document) / "index.html").read_text(encoding="utf-8")
        ids = set(re.findall(r' id="([^"]+)"', html))
        missing = [s.anchor for s in document.walk() if s.anchor and s.anchor not in ids]
        assert not missing, (document.slug, missing[:5])


def test_every_job_description_has_its_page(built: Path) -> None:
    model = handbook_from_dict(json.loads((ROOT / "handbook" / "model.json").read_text(encoding="utf-8")))
    for job in model.job_descriptions():
        assert (built / urls.job_page(job.slug) / "index.html").is_file(), job.slug


def test_committed_releases_build_strictly_with_every_link_and_anchor_resolved(tmp_path: Path) -> None:
    # mkdocs.yml sets validation.anchors: warn, so a dead #clause link in 本版变更 or 表单 fails the build.
    releases = load_releases(ROOT / "handbook" / "releases")
    assert releases, "release 2026.1 is committed"
    built = build_site(SiteBuild(ROOT / "mkdocs.yml", tmp_path), releases, [r.version for r in releases])
    assert built == [r.version for r in releases]
    versions = json.loads((tmp_path / "versions.json").read_text(encoding="utf-8"))
    assert {v["version"] for v in versions} == {r.version for r in releases}
    assert (tmp_path / "latest" / "forms" / "index.html").is_file()


@pytest.mark.slow
@pytest.mark.browser
def _draft_versions(route: Any) -> None:
    """Material's versions.json for a draft build served alone (one version, the latest)."""
    route.fulfill(status=200, content_type="application/json",
                  body='[{"version": "draft", "title": "草稿", "aliases": ["latest"]}]')


def test_org_chart_is_drawn_without_any_request_off_the_machine(built: Path) -> None:
    """Mermaid is vendored: the intranet has no CDN, and the org chart must still be a diagram."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    outside: list[str] = []
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if "127.0.0.1" in route.request.url
                    else (outside.append(route.request.url), route.abort())[1]
                ),
            )
            # A draft build has no versions.json (`handbook build` writes it beside the releases); answer (the last
            # route added wins) Material's request for it as a versioned site would, so the page loads without a 404.
            page.route("**/versions.json", _draft_versions)
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{urls.ORG_CHART_PAGE}")
            # Material swaps <pre class="mermaid"> for a <div> holding the SVG in a
            # closed shadow root: a drawn chart is a div with real height.
            page.wait_for_function(
                "() => [...document.querySelectorAll('div.mermaid')]"
                ".some(e => e.getBoundingClientRect().height > 80)",
                timeout=15_000,
            )
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert outside == []


@pytest.mark.slow
@pytest.mark.browser
def test_org_chart_reads_on_a_phone(built: Path) -> None:
    """At a phone's width the page does not scroll sideways; the chart and the 汇报关系 list fit."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.route(
                "**/*",
                lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort(),
            )
            page.route("**/versions.json", _draft_versions)  # as above: a draft build has none
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{urls.ORG_CHART_PAGE}")
            page.wait_for_function(
                "() => [...document.querySelectorAll('div.mermaid')]"
                ".some(e => e.getBoundingClientRect().height > 80)",
                timeout=15_000,
            )
            sideways = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
            chart_right = page.evaluate(
                "() => document.querySelector('div.mermaid').getBoundingClientRect().right"
            )
            items = page.evaluate(
                "() => [...document.querySelectorAll('#汇报关系 + ul li')]"
                ".map(li => [li.firstChild.textContent.trim(), li.getBoundingClientRect().right])"
            )
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert sideways <= 1
    assert chart_right <= 391
    names = [name for name, _ in items]
    assert "营销总监" in names and "销售主管" in names  # the reporting lines the text gives are in the list
    assert all(right <= 391 for _, right in items)
