"""The 本版变更 page: what changed since the previous release, clause by clause.

Computed from the domain model by :func:`domain.diff.diff_releases` (clauses
matched by content, then by anchor; formatting-only edits counted but not
listed; renumbered clauses named so that nobody trusts an old link), rendered as
Markdown with the changed text marked inline (``<del>``/``<ins>`` around
escaped text).
"""

from __future__ import annotations

from domain import urls
from domain.diff import PREAMBLE_ANCHOR, TITLE_ANCHOR, ClauseChange, DocumentDiff, ReleaseDiff, Span
from domain.model import Release
from publishing.markdown.escaping import escape_inline, safe_anchor
from publishing.markdown.front_matter import GENERATOR, front_matter

CHANGES_FILE = urls.CHANGES_PAGE.rstrip("/") + ".md"
CONTEXT = 30  # characters of unchanged text kept on each side of a change
_CHANGE_LABELS = {"added": "新增", "removed": "删除", "changed": "修改"}


def _flat(text: str) -> str:
    return escape_inline(" ".join(text.split()))


def _shorten(text: str, *, head: bool, tail: bool) -> str:
    """Unchanged text between changes keeps only CONTEXT characters next to each change."""
    if len(text) <= 2 * CONTEXT + 1:
        return text
    start = text[:CONTEXT] if head else ""
    end = text[-CONTEXT:] if tail else ""
    return f"{start}…{end}"


def render_spans(spans: tuple[Span, ...]) -> str:
    """Inline diff: ``<del class="diff">`` / ``<ins class="diff">`` around escaped text."""
    out: list[str] = []
    for i, span in enumerate(spans):
        if span.op == "equal":
            text = _shorten(span.text, head=i > 0, tail=i < len(spans) - 1)
            out.append(_flat(text))
        else:
            tag = "del" if span.op == "delete" else "ins"
            out.append(f'<{tag} class="diff">{_flat(span.text)}</{tag}>')
    return "".join(out)


def _clause_line(change: ClauseChange, doc_path: str | None, job_paths: dict[str, str]) -> str:
    label = escape_inline(change.label or change.anchor)
    target = None
    if change.change != "removed" and doc_path:
        if change.anchor.startswith("岗位-") and change.anchor[3:] in job_paths:
            target = job_paths[change.anchor[3:]]
        elif change.anchor in (TITLE_ANCHOR, PREAMBLE_ANCHOR):
            target = doc_path
        elif not change.anchor.startswith("_"):
            target = f"{doc_path}#{change.anchor}"
    cited = f"[{label}](<{target}>)" if target else label
    if change.change == "added":
        body = f'<ins class="diff">{_flat(change.new_text)}</ins>'
    elif change.change == "removed":
        body = f'<del class="diff">{_flat(change.old_text)}</del>'
    else:
        body = render_spans(change.spans)
    return f"- **{_CHANGE_LABELS[change.change]}** {cited}：{body}\n"


def _renumbered_line(moves: tuple[tuple[str, str], ...]) -> str:
    """Clauses whose text is unchanged but whose number moved: old permalinks now point elsewhere."""
    listed = "、".join(f"{escape_inline(a)} → {escape_inline(b)}" for a, b in moves)
    return f"内容未变、仅编号调整（旧链接已指向其他条款）：{listed}。\n"


def _summary(diff: ReleaseDiff, editorial: int) -> str:
    docs = diff.changed_documents
    count = {s: sum(1 for d in docs if d.status == s) for s in ("added", "removed", "changed")}
    clauses = sum(len(d.clauses) for d in docs)
    line = (
        f"新增文件 {count['added']} 份，删除文件 {count['removed']} 份，"
        f"修改文件 {count['changed']} 份（共 {clauses} 处条款变更）。"
    )
    if editorial:
        line += f"另有 {editorial} 处仅涉及格式（全半角、空白、异体字），不列为变更，无需重新确认。"
    return line + "\n"


def render_changes(diff: ReleaseDiff, new: Release, old: Release | None) -> str:
    """The Markdown of the 本版变更 page of ``new`` (links relative to the docs root)."""
    meta = front_matter(
        {
            "title": "本版变更",
            "kind": "changes",
            "version": new.version,
            "effective": new.effective.isoformat(),
        }
        | {"previous": old.version if old else None, "generator": GENERATOR}
    )
    blocks = ["# 本版变更\n"]
    if old is None:
        blocks.append(f"版本 {escape_inline(new.version)} 是第一个发布版本，没有可比较的上一版本。\n")
        return meta + "\n" + "\n".join(blocks)
    blocks.append(
        f"版本 {escape_inline(new.version)}（{escape_inline(new.title)}，{new.effective.isoformat()} 起施行）"
        f"相对于版本 {escape_inline(old.version)}（{old.effective.isoformat()} 起施行）的变更。\n"
    )
    editorial = sum(d.editorial_changes for d in diff.documents)
    blocks.append(_summary(diff, editorial))
    paths = {d.slug: urls.document_source_path(d) for d in new.documents}
    job_paths = {j.slug: urls.job_source_path(j.slug) for d in new.documents for j in d.job_descriptions}
    blocks += _section("新增的文件", [d for d in diff.documents if d.status == "added"], paths, job_paths)
    blocks += _section("删除的文件", [d for d in diff.documents if d.status == "removed"], paths, job_paths)
    blocks += _section("修改的文件", [d for d in diff.documents if d.status == "changed"], paths, job_paths)
    renumbered_only = [d for d in diff.documents if d.status == "unchanged" and d.renumbered]
    blocks += _section("仅编号调整的文件", renumbered_only, paths, job_paths)
    if not diff.changed_documents:
        blocks.append("本版没有实质性变更。\n")
    return meta + "\n" + "\n".join(blocks)


def _section(
    heading: str, docs: list[DocumentDiff], paths: dict[str, str], job_paths: dict[str, str]
) -> list[str]:
    if not docs:
        return []
    blocks = [f"## {heading} {{#{heading}}}\n"]
    for doc in docs:
        path = paths.get(doc.slug)
        title = escape_inline(doc.title)
        if doc.status == "changed" or doc.renumbered:
            blocks.append(
                f"### [{title}](<{path}>) {{#变更-{safe_anchor(doc.slug)}}}\n" if path else f"### {title}\n"
            )
            if doc.clauses:
                blocks.append("".join(_clause_line(c, path, job_paths) for c in doc.clauses))
            if doc.renumbered:
                blocks.append(_renumbered_line(doc.renumbered))
        else:
            blocks.append(f"- [{title}](<{path}>)\n" if path else f"- {title}\n")
    return blocks
