"""Finding cross-references in a clause's text (pure: text in, mentions out).

What Chinese regulations write when they point at another clause:

* ``本制度第五条``, ``本条例第十三条第二款``, ``本办法第四条第（一）项`` (``本`` + the kind of document);
* a bare ``第十二条`` or ``第三章`` in the body: the same document, as in legal drafting;
* enumerations that share the first number's scope: ``第六条、第七条``, ``第十八条第二款、第三款``;
* relative references: ``前款``/``前两款`` (the article being read), ``前条``/``上一条``/``下一条``;
* another document by its title: ``《考勤管理制度》第八条`` (``《…》`` alone points at the document).

A mention records the span it covers and what it names, not where that is: resolving a mention against a
handbook is :mod:`knowledge.xrefs`' job, because the same text means different clauses in different
documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from domain.numerals import parse_numeral

# What a clause can point at, coarsest first.  款 (a paragraph of an article) has no anchor of its own: it
# resolves to its article.
Unit = Literal["chapter", "section", "article", "paragraph", "item"]
Relative = Literal["", "previous-paragraph", "previous-article", "next-article"]

_NUM = r"[零〇一二三四五六七八九十百千两\d]+"
_SCOPE = r"本(?:制度|办法|条例|规定|细则|规则|守则|手册|规范|章程|准则)"
_UNIT_CHARS = {"章": "chapter", "节": "section", "条": "article", "款": "paragraph", "项": "item"}
_STEP = rf"第(?:{_NUM}|[（(]{_NUM}[）)])[章节条款项](?:之{_NUM})?"
# A chain of steps (第十八条第二款) and enumerations of chains (、第三款 / 和第七条 / 至第九条).
_CHAIN = rf"{_STEP}(?:{_STEP})*"
_LIST = rf"{_CHAIN}(?:[、，,和及或与至到](?:{_CHAIN}))*"
_TITLE = r"《(?P<title>[^《》\n]{1,60})》"
_MENTION = re.compile(
    rf"(?:{_TITLE}(?P<titled>{_LIST})?)"
    rf"|(?P<scope>{_SCOPE})?(?P<plain>{_LIST})"
    rf"|(?P<relative>(?<![提之目当此以事空从向眼跟面])前(?:[两二三四])?款|前条|上一条|下一条)(?P<after>{_CHAIN})?"
)
_STEP_RE = re.compile(rf"第(?:(?P<n>{_NUM})|[（(](?P<pn>{_NUM})[）)])(?P<unit>[章节条款项])(?:之(?P<sub>{_NUM}))?")
_SEPARATOR_RE = re.compile(r"[、，,和及或与至到]")


@dataclass(frozen=True)
class Step:
    """One ``第X条`` (or 章/节/款/项) of a chain; ``sub`` is the ``之一`` of ``第十条之一``."""

    unit: Unit
    number: int
    sub: int = 0


@dataclass(frozen=True)
class Mention:
    """A reference as written: ``start``/``end`` index the clause's text."""

    start: int
    end: int
    text: str
    steps: tuple[Step, ...] = ()  # coarse to fine: (第十八条, 第二款)
    title: str = ""  # the 《…》 document, "" for the same document
    relative: Relative = ""
    scoped: bool = False  # written with 本制度/本条例…: certainly the same document


def find_mentions(text: str) -> list[Mention]:
    """Every reference in ``text``, in reading order; an enumeration gives one mention per item."""
    found: list[Mention] = []
    for match in _MENTION.finditer(text):
        if match.group("relative"):
            found.append(_relative(match))
        elif match.group("title") is not None:
            found += _titled(match)
        else:
            found += _chains(match.group("plain"), match.start("plain"), title="", scoped=bool(match.group("scope")))
    return found


def _relative(match: re.Match[str]) -> Mention:
    """``前款``, ``上一条``; with what follows (``前条第（二）项``) the steps are searched in that clause."""
    word = match.group("relative")
    kind: Relative = (
        "previous-paragraph" if word.endswith("款") else "next-article" if word.startswith("下") else "previous-article"
    )
    steps = tuple(_step(m) for m in _STEP_RE.finditer(match.group("after") or ""))
    return Mention(match.start(), match.end(), match.group(), steps, relative=kind)


def _titled(match: re.Match[str]) -> list[Mention]:
    title = match.group("title").strip()
    chained = match.group("titled")
    if not chained:
        return [Mention(match.start(), match.end(), match.group(), title=title)]
    mentions = _chains(chained, match.start("titled"), title=title, scoped=True)
    # The first mention's link covers the title too: 《考勤管理制度》第八条 reads as one reference.
    first = mentions[0]
    mentions[0] = Mention(match.start(), first.end, match.string[match.start() : first.end], first.steps, title, scoped=True)
    return mentions


def _chains(text: str, offset: int, *, title: str, scoped: bool) -> list[Mention]:
    """``第十八条第二款、第三款`` → (第十八条 第二款), (第十八条 第三款): a later item keeps the earlier scope."""
    mentions: list[Mention] = []
    previous: tuple[Step, ...] = ()
    position = 0
    for piece in _SEPARATOR_RE.split(text):
        start = text.index(piece, position)
        position = start + len(piece)
        steps = tuple(_step(m) for m in _STEP_RE.finditer(piece))
        if not steps:
            continue
        steps = _inherit(previous, steps)
        previous = steps
        mentions.append(Mention(offset + start, offset + position, piece, steps, title, scoped=scoped))
    return mentions


def _step(match: re.Match[str]) -> Step:
    number = parse_numeral(match.group("n") or match.group("pn")) or 0
    sub = parse_numeral(match.group("sub")) if match.group("sub") else 0
    return Step(_UNIT_CHARS[match.group("unit")], number, sub or 0)  # type: ignore[arg-type]


_ORDER: dict[str, int] = {"chapter": 0, "section": 1, "article": 2, "paragraph": 3, "item": 4}


def _inherit(previous: tuple[Step, ...], steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """Prefix ``steps`` with the coarser steps of ``previous`` (第十八条第二款、第三款 → 第十八条第三款)."""
    first = _ORDER[steps[0].unit]
    kept = tuple(s for s in previous if _ORDER[s.unit] < first)
    return kept + steps


def find_unbracketed_titles(text: str, titles: list[str], taken: list[Mention]) -> list[Mention]:
    """Titles written without 《》 (``按营销中心日常管理制度第五条执行``): longest title first, never inside a mention.

    Only called with titles that name exactly one document and are long enough not to be ordinary words.
    """
    covered = [(m.start, m.end) for m in taken]
    found: list[Mention] = []
    for title in sorted(titles, key=len, reverse=True):
        for match in re.finditer(re.escape(title), text):
            span = (match.start(), match.end())
            if any(a < span[1] and span[0] < b for a, b in covered):
                continue
            chained = re.compile(_LIST).match(text, match.end())
            if chained:
                mentions = _chains(chained.group(), match.end(), title=title, scoped=True)
                first = mentions[0]
                mentions[0] = Mention(match.start(), first.end, text[match.start() : first.end], first.steps, title, scoped=True)
                end = chained.end()
            else:
                mentions = [Mention(match.start(), match.end(), title, title=title)]
                end = match.end()
            covered.append((match.start(), end))
            found += mentions
    return sorted(found, key=lambda m: m.start)
