"""What every reader hands to structure recovery: a flat list of blocks.

A reader (text, .docx, .doc) knows the file format; structure recovery
(:mod:`importers.structure`) knows Chinese regulations.  Between them is
this small value type, so that each side can be tested alone.  What a step
noticed on the way travels beside its blocks in a :class:`importers.results.Result`.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.model import Table


@dataclass(frozen=True)
class Block:
    """One paragraph (or table) of a source, in reading order.

    ``style`` and ``outline_level`` come from Word paragraph styles (1 = the
    top heading level; ``None`` = body text or unknown); ``number`` is the
    automatic numbering Word would print before the text (``一、``, ``1.1.``),
    rendered from the numbering definitions because it is not in the text.
    """

    text: str
    source: str
    style: str | None = None
    outline_level: int | None = None
    number: str = ""
    table: Table | None = None
