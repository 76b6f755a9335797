"""A regulation version as HTML: Markdown rendered by markdown-it-py with raw HTML disabled.

The Markdown is the site's own page (``publishing.markdown.pages.render_document``),
so the portal and the site show one text.  That writer emits Python-Markdown's
attribute lists (``## 一、… {#一}`` and a ``{: #二-1 .clause }`` line closing a
paragraph); markdown-it-py is kept here rather than Python-Markdown because it
can refuse raw HTML outright (``html=False``: imported text is escaped by the
writer *and* never parsed as HTML), and a small core rule turns those lists into
``id``/``class`` attributes (nothing else is accepted).  The front matter is dropped.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from domain.canonical import canonical_text
from domain.model import Document
from knowledge.xrefs import cross_references
from publishing.markdown.links import links_for
from publishing.markdown.pages import render_document

log = logging.getLogger(__name__)


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


def keeps_anchors(html: str, document: Document) -> bool:
    return all(f'id="{s.anchor}"' in html for s in document.clauses() if s.anchor)


def render_html(document: Document) -> str:
    """The document's body as HTML (title excluded: the page shows it), from the site's own pages."""
    try:
        # References within the document become links (`#第十条`); other documents are the site's job.
        links = links_for(document, cross_references([document]), [document])
        markdown = render_document(document, xref_links=links)
        html = str(markdown_renderer().render(markdown, {"drop_title": document.title}))
    except Exception:  # the publishing writer must never take the reading page down: plain, escaped text
        log.exception("rendering %s failed; showing its canonical text", document.slug)
        return f'<pre class="plain-text">{escape(canonical_text(document))}</pre>'
    if not keeps_anchors(html, document):
        log.warning("rendered %s without every clause anchor", document.slug)
    return html
