"""The Markdown writer: escaped text, stable anchors in real HTML, determinism, jobs and org chart."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.model import Handbook, JobDescription
from publishing.markdown.escaping import escape_inline
from publishing.markdown.files import write_handbook
from publishing.markdown.org_chart import render_org_chart
from publishing.markdown.pages import render_document, render_job
from publishing.nav import MAX_GROUP, PageMeta, build_nav
from publishing.site import mkdocs_build
from tests.publishing.factories import HOSTILE, jobs, meeting_rules, small_handbook, target_rules

ROOT = Path(__file__).resolve().parents[2]
EXTENSIONS = ["attr_list", "tables", "admonition", "toc", "pymdownx.superfences"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small handbook written and built by the real mkdocs.yml (strict)."""
    base = tmp_path_factory.mktemp("writer")
    write_handbook(small_handbook(), base / "docs", version="2026.1", effective=dt.date(2026, 1, 1))
    mkdocs_build(ROOT / "mkdocs.yml", base / "docs", base / "site")
    return base / "site"


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def article_html(site: Path, path: str) -> str:
    text = page(site, path)
    return text[text.index("<article") : text.index("</article>")]


def front(text: str) -> dict[str, object]:
    data = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(data, dict)
    return data


# ---------------------------------------------------------------- anchors


def test_every_numbered_clause_has_its_anchor_as_html_id(site: Path) -> None:
    body = article_html(site, "regulations/meeting-rules")
    ids = set(re.findall(r' id="([^"]+)"', body))
    expected = {s.anchor for s in meeting_rules().walk()}
    assert expected <= ids


def test_chapter_heading_carries_the_importer_anchor_not_a_slug(site: Path) -> None:
    body = article_html(site, "regulations/meeting-rules")
    assert re.search(r'<h2 id="第二章">第二章 会议纪要', body)


def test_plain_clause_is_a_paragraph_whose_number_links_to_itself(site: Path) -> None:
    body = article_html(site, "regulations/meeting-rules")
    assert '<p class="clause" id="第十条"><a href="#第十条"><strong>第十条</strong></a> 会议纪要由' in body
    assert re.search(r'<p class="clause item level-3" id="第十条-1">', body)


# --------------------------------------------------------------- escaping


def test_hostile_source_text_is_shown_literally(site: Path) -> None:
    body = article_html(site, "regulations/meeting-rules")
    clause = re.search(r'<p class="clause" id="第三条">(.*?)</p>', body, re.S)
    assert clause is not None
    shown = html.unescape(re.sub(r"<[^>]+>", "", clause.group(1)))
    assert shown == "第三条 " + HOSTILE
    assert "<script>alert" not in body
    assert 'href="http://e.x"' not in body
    assert 'id="假"' not in body
    assert "<em>" not in body and "<code>" not in body


def test_line_starts_that_look_like_markup_stay_text(site: Path) -> None:
    body = article_html(site, "regulations/meeting-rules")
    assert "<p># 不是标题</p>" in body
    assert "<p>1. 不是列表</p>" in body
    assert "<ol>" not in body


def test_pipe_in_a_table_cell_stays_in_its_cell(site: Path) -> None:
    body = article_html(site, "regulations/target-rules")
    assert "<th>时间|期限</th>" in body
    assert "<td>每月25日前</td>" in body


def test_document_title_with_html_is_escaped_in_title_and_nav(tmp_path: Path) -> None:
    from dataclasses import replace

    document = replace(target_rules(), title="<b>目标</b>管理")
    text = render_document(document)
    assert front(text)["title"] == "&lt;b&gt;目标&lt;/b&gt;管理"
    assert "# &lt;b&gt;目标&lt;/b&gt;管理\n" in text


LINE_CHARS = st.sampled_from(list("会议纪要第十条 abc123-+*_#`|{}[]()<>&!~:.=\\\"'"))


@settings(max_examples=300, deadline=None)
@given(st.text(LINE_CHARS, min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_escaped_line_renders_back_to_the_same_text(line: str) -> None:
    rendered = markdown.markdown(escape_inline(line), extensions=EXTENSIONS)
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    assert "<" not in rendered[3:-4].replace("&lt;", "")  # no element made from the text
    assert html.unescape(rendered[3:-4]) == " ".join(line.split())


# ------------------------------------------------------------ determinism


def test_rendering_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    first = write_handbook(small_handbook(), tmp_path / "a", version="2026.1", effective=dt.date(2026, 1, 1))
    second = write_handbook(small_handbook(), tmp_path / "b", version="2026.1", effective=dt.date(2026, 1, 1))
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))


def test_rewriting_an_unchanged_handbook_leaves_files_untouched(tmp_path: Path) -> None:
    paths = write_handbook(small_handbook(), tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in paths}
    write_handbook(small_handbook(), tmp_path)
    assert {p: p.stat().st_mtime_ns for p in paths} == stamps


def test_stale_generated_pages_go_and_other_content_stays(tmp_path: Path) -> None:
    write_handbook(small_handbook(), tmp_path)
    keep = {
        "sources/seed.txt": "原文",
        "releases/2026.1.json": "{}",
        "model.json": "{}",
        "regulations/hand-written.md": "# 手写页面\n",
    }
    for rel, text in keep.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    write_handbook(Handbook((target_rules(),)), tmp_path)
    assert not (tmp_path / "regulations/meeting-rules.md").exists()
    assert not (tmp_path / "jobs/vp-marketing.md").exists()
    assert (tmp_path / "regulations/target-rules.md").exists()
    assert all((tmp_path / rel).read_text(encoding="utf-8") == text for rel, text in keep.items())


def test_front_matter_names_source_tool_and_release() -> None:
    from publishing.markdown.front_matter import PageInfo

    data = front(render_document(meeting_rules(), info=PageInfo("2026.1", dt.date(2026, 1, 1))))
    assert data["slug"] == "meeting-rules"
    assert data["kind"] == "regulation"
    assert data["source"] == {"file": "marketing-handbook.txt", "sha256": "a" * 64}
    assert data["tool"] == "0.1.0"
    assert (data["version"], data["effective"]) == ("2026.1", "2026-01-01")


def test_page_metadata_is_shown_on_the_page(site: Path) -> None:
    text = page(site, "regulations/meeting-rules")
    meta = re.search(r'<div class="handbook-meta">(.*?)</div>', text, re.S)
    assert meta is not None
    assert "版本 2026.1" in meta.group(1) and "施行日期 2026-01-01" in meta.group(1)
    assert "来源文件 marketing-handbook.txt" in meta.group(1)


# ------------------------------------------------------------ jobs, chart


def test_job_page_has_every_field_and_links_its_superior(site: Path) -> None:
    text = render_job(jobs()[1], job_links={"营销副总": "vp-marketing.md"})
    assert front(text)["department"] == "销售部"
    assert "| 直接上级 | [营销副总](vp-marketing.md) |" in text
    built = article_html(site, "jobs/vp-marketing")
    for label in ("部门", "直接上级", "直接下级", "岗位概述", "岗位职责", "权限", "任职资格"):
        assert label in built
    assert "审核&lt;合同&gt;" in built


def test_org_chart_links_superiors_to_subordinates_with_safe_ids_and_labels() -> None:
    text = render_org_chart(jobs())
    chart = text.split("```mermaid\n")[1].split("```")[0]
    nodes = dict(re.findall(r'^    (\S+)\["(.*)"\]$', chart, re.M))
    edges = re.findall(r"^    (\S+) --> (\S+)$", chart, re.M)
    assert all(re.fullmatch(r"n\d+", node) for node in nodes)
    names = {label: node for node, label in nodes.items()}
    assert (names["总经理"], names["营销副总"]) in edges
    assert (names["营销副总"], names["销售经理"]) in edges
    assert "市场#quot;经理#quot;" in names  # a quote cannot end the label
    assert len(edges) == len(set(edges))


def test_org_chart_page_is_a_mermaid_block_in_html(site: Path) -> None:
    assert re.search(r'<pre class="mermaid"><code>flowchart (TD|LR)', page(site, "org-chart"))


def test_a_wide_org_chart_is_drawn_left_to_right_to_fit_a_phone() -> None:
    wide = [JobDescription(title=f"部门{i}经理", slug=f"s{i}", reports_to="总经理") for i in range(6)]
    assert "flowchart LR" in render_org_chart(wide)
    deep = [
        JobDescription(title="副总", slug="a", reports_to="总经理"),
        JobDescription(title="部门经理", slug="b", reports_to="副总"),
        JobDescription(title="主管", slug="c", reports_to="部门经理"),
    ]
    assert "flowchart TD" in render_org_chart(deep)


def test_mermaid_is_loaded_only_where_there_is_a_diagram_and_the_footer_has_no_generator(site: Path) -> None:
    chart, home = page(site, "org-chart"), (site / "index.html").read_text(encoding="utf-8")
    assert "assets/vendor/mermaid.min.js" in chart and "mermaid.min.js" not in home
    assert "Made with" not in home
    assert "Permanent link" not in chart + home and "favicon.png" in home


# -------------------------------------------------------------------- nav


def test_site_nav_has_one_tab_per_kind_in_order(site: Path) -> None:
    text = page(site, "regulations/meeting-rules")
    tabs = re.findall(r'class="md-tabs__link">(.*?)</a>', text, re.S)
    assert [re.sub(r"<[^>]+>|\s", "", t) for t in tabs] == ["首页", "制度", "岗位说明书", "组织架构"]


def test_pruned_nav_carries_only_the_current_branch(site: Path) -> None:
    text = page(site, "regulations/meeting-rules")
    sidebar = text[
        text.index('class="md-sidebar md-sidebar--primary"') : text.index(
            'class="md-sidebar md-sidebar--secondary"'
        )
    ]
    assert "target-rules/" in sidebar  # a sibling in 制度
    assert "sales-manager/" not in sidebar  # 岗位说明书 is pruned to one link to its first page


def test_large_kinds_are_split_so_no_branch_is_flat() -> None:
    pages = [
        PageMeta(f"regulations/r{i}.md", f"制度{i}", "regulation", i, f"file{i // 100}.doc")
        for i in range(300)
    ]
    nav = build_nav(pages)
    [regulations] = [e for e in nav if isinstance(e, dict) and "制度" in e]

    def widest(entries: object) -> int:
        if isinstance(entries, list):
            return max([len(entries), *(widest(e) for e in entries)])
        if isinstance(entries, dict):
            return max(widest(v) for v in entries.values())
        return 0

    assert widest(regulations["制度"]) <= MAX_GROUP
    assert [next(iter(group)) for group in regulations["制度"]] == ["file0.doc", "file1.doc", "file2.doc"]


def test_org_chart_has_a_nested_list_for_readers_without_javascript(site: Path) -> None:
    body = article_html(site, "org-chart")
    assert re.search(
        r"<li>总经理\s*<ul>\s*<li><a [^>]*>营销副总</a>\s*<ul>\s*<li><a [^>]*>销售经理</a>", body
    )


def test_org_tree_lists_each_name_once_even_on_a_cycle() -> None:
    from publishing.markdown.org_chart import org_tree

    tree = org_tree([("总经理", "营销副总"), ("甲", "乙"), ("乙", "甲")])
    assert tree == [(0, "总经理"), (1, "营销副总"), (0, "甲"), (1, "乙")]


def test_nav_group_names_from_departments_are_escaped() -> None:
    pages = [
        PageMeta(f"jobs/j{i}.md", f"岗位{i}", "job", i, "<b>部</b>" if i % 2 else "销售部") for i in range(20)
    ]
    [jobs_nav] = [e for e in build_nav(pages) if isinstance(e, dict) and "岗位说明书" in e]
    assert [next(iter(group)) for group in jobs_nav["岗位说明书"]] == ["销售部", "&lt;b&gt;部&lt;/b&gt;"]
