"""Query expansion: the words staff type, mapped to the words the handbook uses.

``上班`` finds ``工作时间``; ``开除`` finds ``解除劳动合同``.  The list is ours
(``search/synonyms.txt``), short and deliberate: every line widens what a
query matches, so a line goes in when people ask that way, not for recall.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

PACKAGE_SYNONYMS = Path(__file__).with_name("synonyms.txt")

Synonyms = Mapping[str, tuple[str, ...]]


def parse_synonyms(text: str) -> dict[str, tuple[str, ...]]:
    """``上班 工作时间 到岗`` → {"上班": ("工作时间", "到岗")}; ``解除+劳动合同`` stays one alternative."""
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, *alternatives = line.split()
        if alternatives:
            out[word] = tuple(dict.fromkeys((*out.get(word, ()), *alternatives)))
    return out


def read_synonyms(path: Path = PACKAGE_SYNONYMS) -> dict[str, tuple[str, ...]]:
    return parse_synonyms(path.read_text(encoding="utf-8"))
