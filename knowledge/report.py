"""Cross-references, duties and conflicts in words: the import report's section, the ``handbook xrefs``,
``handbook obligations`` and ``handbook conflicts`` listings (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from domain.model import Document
from knowledge.conflicts import Conflict, Fact
from knowledge.obligations import Obligation, describe
from knowledge.xrefs import CrossReferences, Reference


def _where(ref: Reference, titles: dict[str, str]) -> str:
    title = titles.get(ref.source.document_slug, ref.source.document_slug)
    return f"《{title}》{ref.source.anchor or '序言'}"


def report_lines(xrefs: CrossReferences, documents: Sequence[Document]) -> list[str]:
    """The import report's 引用检查 section: counts, then every reference that leads nowhere."""
    titles = {d.slug: d.title for d in documents}
    resolved = [r for r in xrefs.references if r.status == "resolved"]
    unresolved, external = xrefs.unresolved(), xrefs.external()
    out = [
        "## 引用检查",
        "",
        f"- 条文中的引用 {len(xrefs.references)} 处：已链接到条款 {len(resolved)} 处，"
        f"指向本手册以外的文件 {len(external)} 处，无法解析 {len(unresolved)} 处。",
        "",
    ]
    if unresolved:
        out += ["### 无法解析的引用", ""]
        out += [f"- {_where(r, titles)}：“{r.text}”——{r.reason}" for r in unresolved]
        out.append("")
    if external:
        out += ["### 本手册以外的文件", ""]
        out += [f"- {_where(r, titles)}：{r.text}" for r in external]
        out.append("")
    return out


def as_json(xrefs: CrossReferences) -> list[dict[str, Any]]:
    """One object per reference, with the anchors of both ends (for other systems and scripts)."""
    return [
        {
            "document": r.source.document_slug,
            "anchor": r.source.anchor,
            "text": r.text,
            "status": r.status,
            "target_document": r.target.document_slug if r.target else None,
            "target_anchor": r.target.anchor if r.target else None,
            "reason": r.reason,
        }
        for r in xrefs.references
    ]


def obligation_json(obligation: Obligation, title: str, today: dt.date) -> dict[str, Any]:
    """One duty for ``handbook obligations --json``: the clause's anchor, who, what, and the schedule."""
    s = obligation.schedule
    first = s.first_due(today)
    return {
        "document": obligation.clause.document_slug,
        "title": title,
        "anchor": obligation.clause.anchor,
        "who": obligation.who,
        "what": obligation.what,
        "kind": s.kind,
        "when": describe(s),
        "text": s.text,
        "rrule": s.rrule(),
        "first_due": first.isoformat() if first else None,
        "schedule": {k: (v.isoformat() if isinstance(v, dt.date) else v)
                     for k, v in asdict(s).items() if k not in ("kind", "text") and v not in (None, "", False)},
    }


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    """One candidate for ``handbook conflicts --json``: both clauses (anchor, sentence, value) and why."""

    def side(fact: Fact) -> dict[str, Any]:
        return {"document": fact.clause.document_slug, "title": fact.title, "anchor": fact.clause.anchor,
                "sentence": fact.sentence, "value": fact.text}

    return {"key": conflict.key, "attribute": conflict.a.attribute, "reason": conflict.reason,
            "a": side(conflict.a), "b": side(conflict.b)}
