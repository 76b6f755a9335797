"""Escaping: imported text stays inert in Markdown (nothing in it is read as syntax)."""

from __future__ import annotations

import re

# Characters that Python-Markdown (with our extensions) reads as syntax
# anywhere in a line.  ``|`` is escapable once the tables extension is on;
# ``#`` is escaped everywhere because trailing hashes close an ATX heading.
_INLINE_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "{": "\\{",
        "}": "\\}",
        "[": "\\[",
        "]": "\\]",
        "#": "\\#",
        "!": "\\!",
        "|": "\\|",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)
# Line starts that open a block: lists (- + 1.), fences (~~~), rules (---).  A setext
# ``===`` needs a text line above it in the same block, which one-line paragraphs never have.
_ORDERED_LIST_START = re.compile(r"^(\d+)([.)])")
_SPACE_RUN = re.compile(r"[ \t\u00a0]+")


def escape_inline(text: str) -> str:
    """Escape one line of source text so that Markdown and HTML read it literally."""
    text = _SPACE_RUN.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()
    text = text.translate(_INLINE_ESCAPES)
    if text[:1] in ("-", "+", "~"):
        # ``~`` is not a Markdown escape: an entity keeps a ~~~ fence from opening.
        text = "&#126;" + text[1:] if text[0] == "~" else "\\" + text
    return _ORDERED_LIST_START.sub(r"\1\\\2", text)


def escape_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, each escaped: one Markdown paragraph per line.

    A source line is a paragraph of its own (not a soft break) because a soft
    break renders as a space, which Chinese text does not have.
    """
    return [escape_inline(line) for line in text.splitlines() if line.strip()]


def escape_cell(text: str) -> str:
    """A table cell: escaped, and line breaks kept as ``<br>`` (a cell is one line)."""
    return "<br>".join(escape_lines(text)) or " "


def safe_anchor(anchor: str) -> str:
    """An id that attr_list can carry: no spaces, braces, quotes or ``=``.

    The importer's anchors are already like this; this only guards the syntax.
    """
    return re.sub(r"[\s{}=\"'#<>&]+", "-", anchor.strip()).strip("-")
