"""A regulation version as HTML: Markdown rendered by markdown-it-py with raw HTML disabled.

The Markdown comes from ``publishing.markdown.pages.render_document`` (the
same pages the site is built from) when the result keeps
every clause anchor; otherwise from :func:`document_markdown`, our own
writer.  The importer writes Python-Markdown's attribute lists (``## 一、… {#一}``
and a ``{: #二-1 .clause }`` line closing a paragraph): a small core rule
turns those into ``id``/``class`` attributes (nothing else is accepted), and
the YAML front matter is dropped.  Imported text is escaped either way:
markdown-it-py runs with ``html=False``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from domain.model import Document, Section, SectionKind, Table
from publishing.markdown.pages import render_document

HEADING_KINDS = {SectionKind.PART, SectionKind.CHAPTER, SectionKind.SECTION, SectionKind.HEADING}
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


HEADING_ID = re.compile(r"\s*\{#([^\s{}]+)\}\s*$")
ATTR_LIST = re.compile(r"(?:^|\n)\{:\s*([^{}\n]*)\}\s*$")
SAFE_NAME = re.compile(r"^[^\s\"'<>&{}]+$")


def _apply_attr_list(opener: Token, spec: str) -> None:
    """Only ``#id`` and ``.class`` from an attribute list; anything else is ignored."""
    for part in spec.split():
        name = part[1:]
        if not SAFE_NAME.match(name):
            continue
        if part.startswith("#"):
            opener.attrSet("id", name)
        elif part.startswith("."):
            classes = str(opener.attrGet("class") or "")
            opener.attrSet("class", f"{classes} {name}".strip())


def attr_lists(state: StateCore) -> None:
    """Core rule (before inline parsing): heading ``{#id}`` and paragraph ``{: …}`` lines."""
    title = state.env.get("drop_title") if isinstance(state.env, dict) else None
    tokens = state.tokens
    kept: list[Token] = []
    skip = 0
    for index, token in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        if token.type == "heading_open" and index + 1 < len(tokens):
            inline = tokens[index + 1]
            match = HEADING_ID.search(inline.content)
            if match:
                token.attrSet("id", match.group(1))
                inline.content = inline.content[: match.start()]
            if title and token.tag == "h1" and inline.content.strip() == title:
                skip = 2  # the page prints the title itself
                continue
        elif token.type == "paragraph_open" and index + 1 < len(tokens):
            inline = tokens[index + 1]
            match = ATTR_LIST.search(inline.content)
            if match:
                _apply_attr_list(token, match.group(1))
                inline.content = inline.content[: match.start()].rstrip()
        kept.append(token)
    state.tokens = kept


@lru_cache(maxsize=1)
def markdown_renderer() -> MarkdownIt:
    renderer = (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .use(attrs_block_plugin)
        .use(front_matter_plugin)
        .enable("table")
    )
    renderer.core.ruler.before("inline", "attr_lists", attr_lists)
    return renderer


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


def keeps_anchors(html: str, document: Document) -> bool:
    return all(f'id="{s.anchor}"' in html for s in document.clauses() if s.anchor)


def render_html(document: Document) -> str:
    """The document's body as HTML (title excluded: the page shows it)."""
    renderer = markdown_renderer()
    try:
        html = renderer.render(render_document(document), {"drop_title": document.title})
    except Exception:  # the publishing writer must never take the reading page down
        html = ""
    if html and keeps_anchors(html, document):
        return str(html)
    return str(renderer.render(document_markdown(document)))
