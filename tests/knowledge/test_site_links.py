"""References in the built site: every link leads to a page and an id that exist; 被引用 under the cited clause;
the text around a link is as inert as any imported text.  Also the portal's reading page and the report."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from click.testing import CliRunner

from cli.main import main
from domain.model import Document, Release
from domain.serialize import dumps, release_to_dict
from portal.reading.rendering import render_html
from tests.knowledge.test_xrefs import article, chapter, document, item

HOSTILE = "<script>alert(1)</script> *星* 第八条 [链](http://e.x)"


def handbook_documents() -> tuple[Document, ...]:
    attendance = document(
        "attendance", "员工考勤管理制度",
        chapter("第一章", "总则",
                article("第一条", "为规范考勤，制定本制度。"),
                article("第二条", "迟到按本制度第八条处理；请假按《休假管理办法》第三条办理。")),
        chapter("第二章", "迟到",
                article("第八条", "迟到三次按旷工一天处理。", item("第八条", "（一）", "一", "迟到十分钟以内的；")),
                article("第九条", HOSTILE)),
    )
    leave = document("leave", "休假管理办法",
                     article("第一条", "员工休假依照本办法。"),
                     article("第三条", "迟到的处理见员工考勤管理制度第八条。"))
    return attendance, leave


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xref-site")
    releases = root / "handbook" / "releases"
    releases.mkdir(parents=True)
    release = Release("2026.1", "2026 年第一版", dt.date(2026, 1, 1), handbook_documents())
    (releases / "2026.1.json").write_text(dumps(release_to_dict(release)), encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--all"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site" / "2026.1"


def article_html(site: Path, slug: str) -> str:
    page = (site / "regulations" / slug / "index.html").read_text(encoding="utf-8")
    return page[page.index("<article"): page.index("</article>")]


def test_every_reference_link_leads_to_an_existing_page_and_id(site: Path) -> None:
    walked = 0
    for slug in ("attendance", "leave"):
        body = article_html(site, slug)
        page_url = f"http://site/regulations/{slug}/"
        for href in re.findall(r'<a href="([^"]*#[^"]+)"', body):
            target = urljoin(page_url, html.unescape(href))
            path, _, anchor = target.removeprefix("http://site/").partition("#")
            target_html = (site / unquote(path) / "index.html").read_text(encoding="utf-8")
            assert f'id="{unquote(anchor)}"' in target_html, (slug, href)
            walked += 1
    assert walked >= 6  # three references plus the clauses' own permalinks and the 被引用 links


def test_links_carry_the_reference_text_and_cross_documents(site: Path) -> None:
    body = article_html(site, "attendance")
    assert re.search(r'<a href="#第八条">第八条</a>处理', body)
    assert re.search(r'<a href="\.\./leave/#第三条">《休假管理办法》第三条</a>', body)
    leave = article_html(site, "leave")
    assert re.search(r'<a href="\.\./attendance/#第八条">员工考勤管理制度第八条</a>', leave)


def test_a_cited_clause_lists_who_cites_it(site: Path) -> None:
    body = article_html(site, "attendance")
    cited = re.search(r'<p class="cited-by">(.*?)</p>', body, re.S)
    assert cited is not None
    assert "被引用" in cited.group(1) and ">第二条<" in cited.group(1) and "《休假管理办法》第三条" in cited.group(1)
    assert body.index("迟到三次按旷工一天处理") < body.index('class="cited-by"')


def test_text_around_a_link_stays_inert(site: Path) -> None:
    body = article_html(site, "attendance")
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "*星*" in body and '<a href="http://e.x"' not in body
    assert re.search(r'<a href="#第八条">第八条</a> \[链\]', body)


def test_the_portal_reading_page_links_within_the_document() -> None:
    attendance, _ = handbook_documents()
    page = unquote(render_html(attendance))
    assert '<a href="#第八条">第八条</a>' in page
    assert "被引用" in page and "<script>" not in page


def test_the_import_report_lists_what_leads_nowhere(tmp_path: Path) -> None:
    source = tmp_path / "rules.txt"
    source.write_text("员工考勤管理制度\n第一条 为规范考勤，制定本制度。\n第二条 迟到按本制度第八条处理，并遵守《劳动法》。\n",
                      encoding="utf-8")
    out = tmp_path / "handbook"
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "import", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = (out / "import-report.md").read_text(encoding="utf-8")
    assert "## 引用检查" in report
    assert "“第八条”——本文件没有第八条" in report
    assert "《劳动法》" in report.split("### 本手册以外的文件")[1]


def test_xrefs_command_lists_references_as_json(tmp_path: Path) -> None:
    import json

    releases = tmp_path / "handbook" / "releases"
    releases.mkdir(parents=True)
    release = Release("2026.1", "2026 年第一版", dt.date(2026, 1, 1), handbook_documents())
    (releases / "2026.1.json").write_text(dumps(release_to_dict(release)), encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "xrefs", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"document": "leave", "anchor": "第三条", "text": "员工考勤管理制度第八条", "status": "resolved",
            "target_document": "attendance", "target_anchor": "第八条", "reason": ""} in rows
    failing = CliRunner().invoke(main, ["--root", str(tmp_path), "xrefs", "--unresolved"])
    assert failing.exit_code == 0 and "无法解析 0 处" in failing.output
