"""Stable anchors for outline nodes, and slugs for documents and jobs.

An anchor is a clause's permalink id, so it depends only on the numbers
printed in the document, never on positions or import order:

* 第X条 → ``第十条`` (``第10条`` too; ``第十条之一`` kept); 第X章 → ``第二章``;
  a 节 under a chapter → ``第二章第一节``; a 章 under a 编/部分 → ``第一编第二章``;
* any other numbered item → its numbered parent's anchor, ``-`` and the bare
  number (``三``, ``三-2``, ``第五条-1``, ``5-1`` for ``5.1`` under ``5``);
  unnumbered headings in between are skipped;
* an unnumbered heading → its title, after its numbered parent's anchor
  (``总则``, ``第二章总则``).

Anchors are unique within a document: a repeat gets ``-2``, ``-3`` and a
warning, because a repeated number is a fault of the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from domain.model import SectionKind
from importers.numbering import normalized_number
from importers.outline import Node

_NOT_SLUG_RE = re.compile(r"[^\w]+")


def slugify(text: str) -> str:
    """Chinese and letters kept, punctuation and spaces removed: ``营销中心管理制度（完整）`` → ``营销中心管理制度完整``."""
    return _NOT_SLUG_RE.sub("", text).replace("_", "")


def unique_slugs(titles: Iterable[str], fallback: str = "document") -> list[str]:
    """One slug per title, in reading order; repeats get ``-2``, ``-3``."""
    used: set[str] = set()
    out = []
    for title in titles:
        out.append(_unique(slugify(title) or fallback, used))
    return out


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate


def assign_anchors(roots: list[Node]) -> list[str]:
    """Set ``anchor`` on every node (pre-order); return warnings about repeats."""
    used: set[str] = set()
    warnings: list[str] = []

    def visit(node: Node) -> None:
        base = base_anchor(node)
        node.anchor = _unique(base, used)
        if node.anchor != base and node.marker is not None:
            warnings.append(f"编号重复：「{base}」已经用过，本处的锚点改为「{node.anchor}」。")
        for child in node.children:
            visit(child)

    for root in roots:
        visit(root)
    return warnings


def base_anchor(node: Node) -> str:
    marker = node.marker
    numbered_parent = _numbered_ancestor(node)
    if marker is None:
        title = slugify(node.title or node.fixed_title or node.first_text[:12]) or "标题"
        return f"{numbered_parent.anchor}{title}" if numbered_parent is not None else title
    number = normalized_number(marker)
    kind = marker.system.kind
    if kind is SectionKind.ARTICLE or kind is SectionKind.PART:
        return number
    if kind is SectionKind.CHAPTER:
        part = _ancestor(node, SectionKind.PART)
        return f"{part.anchor}{number}" if part else number
    if kind is SectionKind.SECTION:
        chapter = _ancestor(node, SectionKind.CHAPTER)
        return f"{chapter.anchor}{number}" if chapter else number
    # Unnumbered headings (总则, a Word heading without a number) are skipped: the
    # anchor follows the numbers a reader cites, "5-1-1-a" rather than a title chain.
    if numbered_parent is None:
        return number
    parent_marker = numbered_parent.marker
    if len(marker.values) > 1 and parent_marker is not None and parent_marker.values == marker.values[:-1]:
        # 4.2 under 4、: the parent already says "4".
        return f"{numbered_parent.anchor}-{marker.values[-1]}"
    return f"{numbered_parent.anchor}-{number}"


def _numbered_ancestor(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.marker is None:
        parent = parent.parent
    return parent


def _ancestor(node: Node, kind: SectionKind) -> Node | None:
    parent = node.parent
    while parent is not None:
        if parent.marker is not None and parent.marker.system.kind is kind:
            return parent
        parent = parent.parent
    return None
