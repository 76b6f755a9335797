"""The order of numbering systems in one document, read from how it nests them.

Convention puts 一、 above （一） above 1.; some documents do otherwise
(``1.总体要求`` then ``（一）…``).  Counting which system a document starts
inside which lets structure recovery follow the document, with convention
only breaking ties.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from importers.blocks import Block
from importers.inline import plausible_context
from importers.numbering import MARKER_CANDIDATE_RE, Marker, marker_of_number, match_marker


def nesting_evidence(blocks: Sequence[Block]) -> Counter[tuple[str, str]]:
    """How often this document starts a list of system B (at 1) right after a number of system A.

    ``(A, B)`` counted 5 times and ``(B, A)`` twice means that here B lives
    inside A: the order in which the document uses its numbering systems
    decides their levels, whatever the convention (一、 above 1.) says.
    Named systems (编/章/节/条) and decimals (3.1, placed by their prefix) are left out.
    """
    evidence: Counter[tuple[str, str]] = Counter()
    previous: Marker | None = None
    for block in blocks:
        for marker in _leading_markers(block):
            if marker.system.is_strong or len(marker.values) > 1:
                previous = None if marker.system.is_strong else previous
                continue
            if previous is not None and previous.system.key != marker.system.key and marker.value == 1:
                evidence[(previous.system.key, marker.system.key)] += 1
            previous = marker
    return evidence


def _leading_markers(block: Block) -> list[Marker]:
    """The number a block starts with, and a first-of-list number right after its first words."""
    if block.table is not None or block.outline_level is not None:
        return []
    first = marker_of_number(block.number) if block.number.strip() else match_marker(block.text, 0)
    text = block.text
    pos = 0 if block.number.strip() else (first.end if first else 0)
    out = [first] if first is not None else []
    for candidate in MARKER_CANDIDATE_RE.finditer(text, pos):
        marker = match_marker(text, candidate.start(), allow_latin=False)
        if marker is not None and marker.value == 1 and plausible_context(text, marker):
            out.append(marker)
            break
    return out
