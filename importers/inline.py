"""Numbers inside a line: which open an outline node, and which are references.

A 第X条 in running text is usually a reference (``依照第五条``, ``《核安全法》
第十六条明确规定``); ``2010.07`` is a date, ``GB/T 1.1—2020`` a standard.  These
pure predicates tell them apart from the numbers of the outline, and say
when one number follows another (3 → 4, 1.2 → 1.3, 第十条 → 第十条之一).
"""

from __future__ import annotations

from importers.numbering import Marker

PUNCT = set("。，,；;：:！？!?、（）()“”《》…")
_REFERENCE_BEFORE = set("本依按据见照参及和与、至或如》〉")  # 《…法》第十六条 cites a law
_REFERENCE_BEFORE_2 = ("违反", "符合", "根据", "依照", "按照", "参照", "依据")
CITING_AFTER = ("明确规定", "规定：", "规定:", "指出", "所称", "所指")
_OPENING_QUOTES = set("“‘《〈「『\"'")
_REFERENCE_AFTER = (
    "规定",
    "所述",
    "所列",
    "之规定",
    "的规定",
    "中",
    "至",
    "、",
    "和",
    "或",
    "款",
    "项",
    "第",
)


def is_next(before: tuple[int, ...], after: tuple[int, ...]) -> bool:
    """``after`` follows ``before``: 3 → 4, 1.2 → 1.3, 2.3 → 3.1, 第十条 → 第十条之一 → 第十一条."""
    if len(before) == len(after):
        return (before[:-1] == after[:-1] and after[-1] == before[-1] + 1) or (
            len(after) > 1 and after[0] == before[0] + 1 and after[-1] == 1
        )
    if len(after) == len(before) + 1:  # 第十条 → 第十条之一
        return after[:-1] == before and after[-1] == 1
    return len(after) == 1 and after[0] == before[0] + 1  # 第十条之一 → 第十一条


def plausible_context(text: str, marker: Marker) -> bool:
    """Whether a number inside a line can start a node (not 2010.07, not 依照第五条)."""
    before = text[marker.start - 1] if marker.start > 0 else ""
    after = text[marker.end] if marker.end < len(text) else ""
    if before.isdigit() or before in ".．-/:" or before in _OPENING_QUOTES or not after or after in PUNCT:
        return False
    if marker.system.is_strong:
        if (
            before in _REFERENCE_BEFORE
            or text[max(0, marker.start - 2) : marker.start] in _REFERENCE_BEFORE_2
        ):
            return False
        return not text.startswith(_REFERENCE_AFTER + CITING_AFTER, marker.end)
    if marker.system.key == "一、":
        return before not in "一二三四五六七八九十、"
    if marker.system.key in ("1.", "1、", "1.1", "1.1.1", "1）"):
        # After Chinese text or a clause mark, never after a space or Latin text (GB/T 1.1—2020).
        return not before.isascii() and after not in "—–-~/"
    return True
