"""A regulation version as HTML: Markdown rendered by markdown-it-py with raw HTML disabled.

The Markdown comes from ``importers.markdown.render_document`` when that
module exists and its output keeps every clause anchor; otherwise from
:func:`document_markdown`, our own writer.  Imported text is escaped either
way: markdown-it-py runs with ``html=False`` and our writer backslash-escapes
every ASCII punctuation mark, so no imported text becomes markup.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_block_plugin

from domain.model import Document, Section, SectionKind, Table

HEADING_KINDS = {SectionKind.PART, SectionKind.CHAPTER, SectionKind.SECTION, SectionKind.HEADING}
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


@lru_cache(maxsize=1)
def markdown_renderer() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .use(attrs_block_plugin)
        .enable("table")
    )


def escape_markdown(text: str) -> str:
    """Backslash-escape every ASCII punctuation mark: the text stays text."""
    return _PUNCTUATION.sub(r"\\\1", text)


def _attrs(anchor: str, css_class: str) -> str:
    safe = anchor.replace('"', "").replace("\\", "").replace("}", "").replace("{", "")
    return f'{{id="{safe}" .{css_class}}}' if safe else f"{{.{css_class}}}"


def _table_markdown(table: Table) -> list[str]:
    if not table:
        return []
    width = max(len(row) for row in table)

    def cells(row: Iterable[str]) -> str:
        padded = [*row, *[""] * (width - len(tuple(row)))]
        return "| " + " | ".join(escape_markdown(c.replace("\n", " ")) or " " for c in padded) + " |"

    return [cells(table[0]), "|" + "---|" * width, *(cells(row) for row in table[1:]), ""]


def _section_markdown(section: Section) -> list[str]:
    lines: list[str] = []
    paragraphs = [p for p in section.text.split("\n") if p.strip()]
    if section.kind in HEADING_KINDS and section.title:
        depth = min(section.level + 1, 6)
        lines += [_attrs(section.anchor, "clause-heading"), f"{'#' * depth} {escape_markdown(section.label)}", ""]
    elif section.number or section.title:
        head = f"**{escape_markdown(section.number)}**" if section.number else ""
        title = f"**{escape_markdown(section.title)}**" if section.title else ""
        first = paragraphs.pop(0) if paragraphs else ""
        lines += [_attrs(section.anchor, "clause"), " ".join(p for p in (head, title, escape_markdown(first)) if p), ""]
    for paragraph in paragraphs:
        lines += [escape_markdown(paragraph), ""]
    for table in section.tables:
        lines += _table_markdown(table)
    return lines


def document_markdown(document: Document) -> str:
    """Our own Markdown for a document: one block per outline node, each with its anchor."""
    lines: list[str] = []
    for paragraph in document.preamble.split("\n"):
        if paragraph.strip():
            lines += [escape_markdown(paragraph), ""]
    for section in document.walk():
        lines += _section_markdown(section)
    for job in document.job_descriptions:
        lines += [f"### {escape_markdown('岗位：' + job.title)}", ""]
        for label, values in (("职责", job.responsibilities), ("权限", job.authorities), ("任职资格", job.qualifications)):
            if values:
                lines += [f"**{label}**", "", *(f"- {escape_markdown(v)}" for v in values), ""]
    return "\n".join(lines)


def _importer_writer() -> Callable[[Document], str] | None:
    if importlib.util.find_spec("importers.markdown") is None:
        return None
    writer = getattr(importlib.import_module("importers.markdown"), "render_document", None)
    return writer if callable(writer) else None


def keeps_anchors(html: str, document: Document) -> bool:
    return all(f'id="{s.anchor}"' in html for s in document.clauses() if s.anchor)


def render_html(document: Document) -> str:
    """The document's body as HTML (title excluded: the page shows it)."""
    renderer = markdown_renderer()
    writer = _importer_writer()
    if writer is not None:
        try:
            html = renderer.render(_drop_title(writer(document), document.title))
        except Exception:  # another stage's writer must never take the reading page down
            html = ""
        if html and keeps_anchors(html, document):
            return str(html)
    return str(renderer.render(document_markdown(document)))


def _drop_title(markdown: str, title: str) -> str:
    """The importer's page starts with ``# Title``; the portal prints the title itself."""
    lines = markdown.lstrip().split("\n")
    if lines and lines[0].startswith("# ") and title in lines[0]:
        lines = lines[1:]
    return "\n".join(lines)
