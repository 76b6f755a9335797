"""The org chart page: a Mermaid graph of who reports to whom, and the same tree as a list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from domain.model import JobDescription
from publishing.markdown.escaping import escape_inline
from publishing.markdown.front_matter import DRAFT, GENERATOR, PageInfo, front_matter, release_fields

_MERMAID_ESCAPES = (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("&", "#amp;"))


def mermaid_label(text: str) -> str:
    """A label safe inside ``["…"]``: Mermaid entity codes for its syntax characters."""
    text = " ".join(text.split())
    for raw, code in _MERMAID_ESCAPES:
        text = text.replace(raw, code)
    return text


def _org_names(jobs: Sequence[JobDescription]) -> list[str]:
    """Every person/role named, in order of first appearance (stable node ids)."""
    names: dict[str, None] = {}
    for job in jobs:
        for name in (job.reports_to, job.title, *job.subordinates):
            if name and name.strip():
                names.setdefault(name.strip(), None)
    return list(names)


def org_edges(jobs: Sequence[JobDescription]) -> list[tuple[str, str]]:
    """(superior, subordinate) pairs from reports_to and subordinates, deduplicated, in order."""
    edges: dict[tuple[str, str], None] = {}
    for job in jobs:
        title = job.title.strip()
        if job.reports_to and job.reports_to.strip() and job.reports_to.strip() != title:
            edges.setdefault((job.reports_to.strip(), title), None)
        for sub in job.subordinates:
            if sub.strip() and sub.strip() != title:
                edges.setdefault((title, sub.strip()), None)
    return list(edges)


def org_tree(edges: Sequence[tuple[str, str]]) -> list[tuple[int, str]]:
    """(depth, name) in pre-order from the top people down; each name once, cycles cut."""
    children: dict[str, list[str]] = {}
    for superior, subordinate in edges:
        children.setdefault(superior, []).append(subordinate)
    has_superior = {b for _, b in edges}
    names = list(dict.fromkeys(n for edge in edges for n in edge))
    roots = [n for n in names if n not in has_superior]
    out: list[tuple[int, str]] = []
    seen: set[str] = set()

    def visit(name: str, depth: int) -> None:
        if name in seen:
            return
        seen.add(name)
        out.append((depth, name))
        for child in children.get(name, ()):
            visit(child, depth + 1)

    for name in roots + names:  # names left over sit on a cycle: start from the first
        visit(name, 0)
    return out


def chart_direction(tree: Sequence[tuple[int, str]]) -> str:
    """``LR`` when the chart is wider than deep: on a phone it then grows down the page, not off it.

    Drawn top-down, a level of twelve managers is twelve boxes wide and shrinks to
    unreadable on a narrow screen; drawn left to right the width is the number of levels.
    """
    if not tree:
        return "TD"
    per_level: dict[int, int] = {}
    for depth, _ in tree:
        per_level[depth] = per_level.get(depth, 0) + 1
    return "LR" if max(per_level.values()) > len(per_level) else "TD"


def render_org_chart(
    jobs: Sequence[JobDescription],
    *,
    info: PageInfo = DRAFT,
    job_links: Mapping[str, str] | None = None,
) -> str:
    """The org chart: a Mermaid flowchart, plus the same relations as a plain list (print, no JS)."""
    names = _org_names(jobs)
    ids = {name: f"n{i}" for i, name in enumerate(names, 1)}
    edges = org_edges(jobs)
    chart = [f"flowchart {chart_direction(org_tree(edges))}"]
    chart += [f'    {ids[n]}["{mermaid_label(n)}"]' for n in names]
    chart += [f"    {ids[a]} --> {ids[b]}" for a, b in edges]
    links = job_links or {}

    def person(name: str) -> str:
        return f"[{escape_inline(name)}]({links[name]})" if name in links else escape_inline(name)

    meta = front_matter(
        {"title": "组织架构", "kind": "org-chart", **release_fields(info), "generator": GENERATOR}
    )
    blocks = ["# 组织架构\n", "```mermaid\n" + "\n".join(chart) + "\n```\n"]
    if edges:
        # The same hierarchy as a nested list: readable without JavaScript and in print.
        blocks.append("## 汇报关系 {#汇报关系}\n")
        blocks.append("".join(f"{'    ' * depth}- {person(name)}\n" for depth, name in org_tree(edges)))
    else:
        blocks.append("尚未从岗位说明书中识别出汇报关系。\n")
    related = {name for edge in edges for name in edge}
    if alone := [j for j in jobs if j.title.strip() not in related]:
        blocks.append("## 未注明汇报关系的岗位 {#未注明汇报关系的岗位}\n")
        blocks.append("".join(f"- {person(j.title.strip())}\n" for j in alone))
    return meta + "\n" + "\n".join(blocks)
