"""Reading pages: clause anchors, escaped imported text, history, search, publishing from the web."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from domain.model import Release
from domain.serialize import release_to_dict
from portal.reading.rendering import markdown_renderer, render_html


def test_every_clause_keeps_its_anchor_and_html_in_the_text_stays_text(document: Callable[..., Any]) -> None:
    doc = document("x", "制度", ["<script>alert(1)</script> 与 **粗体** 和 [链接](javascript:alert(1))", "1. 不是列表"])
    for html in (render_html(doc),):  # the site's own page, rendered by the portal
        assert 'id="第一条"' in html and 'id="第二条"' in html and 'id="第一章"' in html
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "<strong>粗体</strong>" not in html and 'href="javascript' not in html
        assert "<ol" not in html


def test_attribute_lists_become_ids_and_classes_but_nothing_else() -> None:
    markdown = "---\ntitle: 制度\n---\n\n# 制度\n\n## 一、总则 {#一}\n\n正文\n{: #一-1 .clause onclick=alert(1) }\n"
    html = markdown_renderer().render(markdown, {"drop_title": "制度"})
    assert '<h2 id="一">一、总则</h2>' in html
    assert '<p id="一-1" class="clause">正文</p>' in html
    assert "onclick" not in html and "<h1>" not in html and "title:" not in html


def test_reading_page_lists_version_hash_and_history(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], publish: Callable[..., Any],
    document: Callable[..., Any],
) -> None:
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]))
    publish("2026.2", document("sales", "销售管理制度", ["甲乙。"]))
    login(make_user("张三"))
    index = client.get("/regulations").get_data(as_text=True)
    assert "销售管理制度" in index and "版本 2026.2" in index
    history = client.get("/regulations/sales/history").get_data(as_text=True)
    assert "2026.1" in history and "实质修订" in history
    old = client.get("/regulations/sales/versions/2026.1").get_data(as_text=True)
    assert "这是历史版本" in old and "确认签署" not in old


def test_search_page_explains_when_the_index_is_missing(client: FlaskClient, login: Callable[..., Any],
                                                        make_user: Callable[..., Any]) -> None:
    login(make_user("张三"))
    page = client.get("/search?q=回款").get_data(as_text=True)
    assert "检索索引尚未建立" in page


def test_versioned_site_is_served_behind_login_and_linked_from_the_page(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], publish: Callable[..., Any],
    document: Callable[..., Any], tmp_path: Any,
) -> None:
    page_dir = tmp_path / "site" / "2026.1" / "regulations" / "sales"
    page_dir.mkdir(parents=True)
    (page_dir / "index.html").write_text("<h1>站点页面</h1>", encoding="utf-8")
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]))
    assert "/login" in client.get("/site/2026.1/regulations/sales/").headers["Location"]
    login(make_user("张三"))
    assert "在手册网站中查看" in client.get("/regulations/sales").get_data(as_text=True)
    served = client.get("/site/2026.1/regulations/sales/", buffered=True)
    served.close()
    assert served.status_code == 200 and "站点页面" in served.get_data(as_text=True)
    assert client.get("/site/../portal.sqlite3").status_code == 404


def test_search_page_shows_hits_from_the_search_stage_with_links_to_clauses(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], document: Callable[..., Any],
    tmp_path: Any, runner: Any,
) -> None:
    from cli.main import main

    release = Release("2026.1", "手册", dt.date(2026, 1, 1),
                      (document("sales", "销售管理制度", ["回款须在三十日内完成。", "<b>客户</b>档案由内勤保管。"]),))
    releases = tmp_path / "handbook" / "releases"
    releases.mkdir(parents=True)
    (releases / "2026.1.json").write_text(json.dumps(release_to_dict(release), ensure_ascii=False), encoding="utf-8")
    built = runner.invoke(main, ["--root", str(tmp_path), "index"])
    assert built.exit_code == 0, built.output
    login(make_user("张三"))
    page = client.get("/search?q=回款").get_data(as_text=True)
    assert "<mark>回款</mark>" in page
    # Hits link through the search log's click counter (/search/open/…?to=<the clause>).
    assert "to=/regulations/sales%23%E7%AC%AC%E4%B8%80%E6%9D%A1" in page
    other = client.get("/search?q=客户").get_data(as_text=True)
    assert "&lt;b&gt;" in other and "<b>客户" not in other


def test_every_document_of_the_real_handbook_renders_with_all_its_clause_anchors() -> None:
    from pathlib import Path

    from domain.serialize import handbook_from_dict
    from portal.reading.rendering import keeps_anchors

    model = Path(__file__).resolve().parents[3] / "handbook" / "model.json"
    documents = handbook_from_dict(json.loads(model.read_text(encoding="utf-8"))).documents
    assert len(documents) >= 20
    assert [d.slug for d in documents if not keeps_anchors(render_html(d), d)] == []


def test_a_writer_failure_shows_the_text_escaped_instead_of_an_error(
    document: Callable[..., Any], monkeypatch: Any
) -> None:
    import portal.reading.rendering as rendering

    def broken(*_args: Any, **_kwargs: Any) -> str:
        raise RuntimeError("writer bug (injected)")

    monkeypatch.setattr(rendering, "render_document", broken)
    html = rendering.render_html(document("x", "制度", ["<b>正文</b>"]))
    assert html.startswith('<pre class="plain-text">') and "&lt;b&gt;正文&lt;/b&gt;" in html
