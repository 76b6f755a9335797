"""The import report HR reads: per document, every piece of text dropped or changed, and why.

Rendered as Markdown (``import-report.md`` beside the pages) and as a few
summary lines for the terminal.  Deterministic: no dates, the order of the
sources.

The report's types, from the smallest to the whole import:

* :class:`~importers.results.Result` — one step's value and its messages;
* ``RecoveredDocument`` (:mod:`importers.structure`) — one document and its messages;
* :class:`~importers.structure.SourceRecovery` — one source file's documents, and the
  messages about text outside every document;
* :class:`ReportSection` — the messages of one document by its final slug: one
  section of ``import-report.md``;
* :class:`~importers.pipeline.HandbookImport` — the handbook, its report sections
  and the files that failed;
* :class:`~domain.model.ImportReport` — the handbook's totals, kept in
  ``model.json`` (no grouping by document).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from domain.model import Changed, Document, Dropped, Handbook
from importers.cleaning import REASON_WIDTH
from importers.results import Message, changed_in, dropped_in

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


@dataclass(frozen=True)
class ReportSection:
    """One section of the report: what happened to one document's text (``slug`` empty: outside any)."""

    slug: str
    messages: tuple[Message, ...] = ()

    @property
    def dropped(self) -> tuple[Dropped, ...]:
        return dropped_in(self.messages)

    @property
    def changed(self) -> tuple[Changed, ...]:
        return changed_in(self.messages)


def _inline(text: str) -> str:
    """Source text shown literally: one line, Markdown syntax escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", "⏎")).strip()


def summary_lines(handbook: Handbook, failures: Sequence[tuple[str, str]] = ()) -> list[str]:
    """A few Chinese lines for the terminal."""
    report = handbook.report
    jobs = sum(len(d.job_descriptions) for d in handbook.documents)
    clauses = sum(1 for d in handbook.documents for _ in d.walk())
    lines = [
        f"导入了 {len(handbook.documents)} 篇文档、{clauses} 个章节条款、{jobs} 个岗位说明书。",
        f"删除 {len(report.dropped)} 处文字，修改 {len(report.changed)} 处，警告 {len(report.warnings)} 条。",
    ]
    lines += [f"失败：{message}" for _, message in failures]
    return lines


def render_report(
    handbook: Handbook,
    details: Sequence[ReportSection] = (),
    failures: Sequence[tuple[str, str]] = (),
) -> str:
    """The whole report as Markdown."""
    out = ["# 导入报告", "", *summary_lines(handbook, failures), ""]
    sources = sorted({(d.source.file_name, d.source.sha256) for d in handbook.documents})
    out += ["来源文件：", "", *(f"- {_inline(name)}（SHA-256 {sha[:12]}…）" for name, sha in sources), ""]
    if failures:
        out += ["## 无法导入的文件", "", *(f"- {_inline(message)}" for _, message in failures), ""]
    by_slug = {d.slug: d for d in details}
    general = by_slug.get("")
    if not details:
        general = ReportSection("", (*handbook.report.dropped, *handbook.report.changed))
    if general is not None and (general.dropped or general.changed):
        out += ["## 不属于任何文档的内容", "", *_records(general)]
    for number, document in enumerate(handbook.documents, 1):
        out += _document_section(number, document, by_slug.get(document.slug))
    return "\n".join(out).rstrip() + "\n"


def _document_section(number: int, document: Document, detail: ReportSection | None) -> list[str]:
    sections = list(document.walk())
    out = [
        f"## {number}. {_inline(document.title)}",
        "",
        f"- 标识：`{document.slug}`；类型：{document.kind}；章节条款 {len(sections)} 个；"
        f"岗位说明书 {len(document.job_descriptions)} 个",
        "",
    ]
    if document.warnings:
        out += ["### 警告", "", *(f"- {_inline(w)}" for w in document.warnings), ""]
    if inferred := [
        f"- {_inline(j.title)}——{_inline(n)}" for j in document.job_descriptions for n in j.inferred
    ]:
        # Department, superior or the role itself read from context rather than a field: listed for review.
        out += ["### 推断", "", *inferred, ""]
    if detail is not None:
        out += _records(detail)
    return out


def _records(detail: ReportSection) -> list[str]:
    out: list[str] = []
    if detail.dropped:
        out += ["### 删除的文字", ""]
        out += [
            f"- 「{_inline(d.text)}」——{_inline(d.reason)}（{_inline(d.source)}）" for d in detail.dropped
        ]
        out.append("")
    if detail.changed:
        out += ["### 修改的文字", ""]
        out += [
            f"- 「{_inline(c.before)}」→「{_inline(c.after)}」——{_inline(c.reason)}（{_inline(c.source)}）"
            for c in detail.changed
            if c.reason != REASON_WIDTH
        ]
        out += _width_summary([c for c in detail.changed if c.reason == REASON_WIDTH])
        out.append("")
    return out


def _width_summary(changes: Sequence[Changed]) -> list[str]:
    """Punctuation width touches most lines: one line per document, with the character counts.

    Every change is still in ``model.json``; the report says how many and where.
    """
    if not changes:
        return []
    pairs: Counter[tuple[str, str]] = Counter()
    for change in changes:
        for before, after in zip(change.before, change.after, strict=False):
            if before != after:
                pairs[(before, after)] += 1
    counts = "，".join(f"「{_inline(a)}」→「{_inline(b)}」{n} 处" for (a, b), n in sorted(pairs.items()))
    where = "、".join(_inline(c.source) for c in changes)
    return [f"- {REASON_WIDTH}：{len(changes)} 行，{counts}（{where}）"]
