"""The query language, parsed into a plain value (no engine objects here).

What people type::

    会议纪要 签署            words: all required (AND); OR with a notice if AND finds nothing
    "销售合同"               a quoted phrase (also “…” and 「…」)
    回款 -窜货               exclusion
    第十条 会议              a clause number: 第十条 = 第10条, matched on the clause's number
    文档:会议  kind:岗位  release:2026.1  部门:销售部      field filters (： works too)

Question words (谁, 什么, 如何 …) are dropped, and single-character words
only raise the score (``会议纪要由谁签署?`` needs 会议纪要 and 签署, not 由).
Question forms (``归哪个部门管``, ``什么时候``, ``可以…吗``) are stripped first and
say what the question asks (:mod:`search.asking`), which the engine uses to
match questions more loosely and to favour clauses stating that kind of thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from domain.errors import HandbookError
from domain.numerals import to_chinese_numeral
from search.analysis import CLAUSE_NUMBER_RE, Segmenter, normalize
from search.asking import WORD_ASKS, analyse
from search.synonyms import Synonyms

# Words of a question that say nothing about the answer.
QUESTION_WORDS = frozenset(
    [
        "谁",
        "什么",
        "怎么",
        "怎样",
        "怎么样",
        "如何",
        "哪",
        "哪些",
        "哪个",
        "哪里",
        "哪儿",
        "几",
        "几号",
        "几天",
        "几次",
        "几点",
        "多少",
        "多久",
        "是否",
        "是不是",
        "吗",
        "呢",
        "吧",
        "请问",
        "有没有",
        "能否",
        "可否",
        "能不能",
        "可不可以",
        "应该",
        "应当",
        "需要",
        "需",
        "要",
        "必须",
        "可以",
        "有",
        "是",
        "我",
        "我们",
        "你",
        "你们",
        "由",
        "被",
        "把",
        "给",
        "在",
        "对",
        "为",
        "向",
        "于",
        "时",
        "后",
        "前",
        "做",
        "做到",
        "一下",
        "规定",
        "怎么办",
        "办",
        "能",
        "会",
        "可",
    ]
)

FIELD_ALIASES = {
    "文档": "document",
    "制度": "document",
    "document": "document",
    "doc": "document",
    "类型": "kind",
    "kind": "kind",
    "版本": "release",
    "release": "release",
    "部门": "department",
    "department": "department",
    "dept": "department",
}

# kind: values people type → the search-document kinds of search.documents.KINDS.
KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "制度": ("clause", "heading", "document"),
    "regulation": ("clause", "heading", "document"),
    "条款": ("clause",),
    "条": ("clause",),
    "clause": ("clause",),
    "标题": ("heading",),
    "heading": ("heading",),
    "文档": ("document",),
    "document": ("document",),
    "岗位": ("job",),
    "岗位说明书": ("job",),
    "职位": ("job",),
    "job": ("job",),
    "表单": ("form",),
    "form": ("form",),
}

_CHUNK_RE = re.compile(
    r"""(?P<neg>-)?(?:(?P<field>[\w]+)[:：])?(?:"(?P<q1>[^"]*)"?|“(?P<q2>[^”]*)”?|「(?P<q3>[^」]*)」?|(?P<plain>[^\s"“「]+))"""
)


class QueryError(HandbookError):
    """A query that cannot be run (empty, or an unknown filter value)."""

    user_message = "检索词有误。"


@dataclass(frozen=True)
class Word:
    """One query word, with the shorter dictionary words inside it (search mode)."""

    text: str
    subwords: tuple[str, ...] = ()
    optional: bool = False  # single characters only raise the score
    alternatives: tuple[tuple[str, ...], ...] = ()  # synonyms, each as its words: any one will do


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    words: tuple[Word, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()  # each: words that must not all occur
    numbers: tuple[str, ...] = ()  # normalised clause numbers: 第10条
    documents: tuple[tuple[str, ...], ...] = ()  # 文档: filters, as words of the title
    document_slugs: tuple[str, ...] = ()  # the same filters taken as slugs
    kinds: tuple[str, ...] = ()
    departments: tuple[tuple[str, ...], ...] = ()
    release: str | None = None
    ignored: tuple[str, ...] = field(default=())  # question words dropped
    asks: tuple[str, ...] = ()  # what a question asks (search.asking): person, time, permission …

    @property
    def has_terms(self) -> bool:
        """Whether anything would rank the hits (as opposed to filters only)."""
        return bool(self.words or self.phrases or self.numbers)

    @property
    def scoring_words(self) -> int:
        return len(self.words) + len(self.phrases) + len(self.numbers)

    @property
    def highlight_terms(self) -> tuple[str, ...]:
        """Every content term that can match, longest first (for highlighting)."""
        terms = {w.text for w in self.words} | {s for w in self.words for s in w.subwords}
        terms |= {a for w in self.words for alternative in w.alternatives for a in alternative}
        terms |= {p for phrase in self.phrases for p in phrase}
        terms |= {printed for number in self.numbers for printed in printed_numbers(number)}
        return tuple(sorted(terms, key=lambda t: (-len(t), t)))


@dataclass
class _Parts:
    """What the chunks of a query add up to, while parsing."""

    words: list[Word] = field(default_factory=list)
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    excluded: list[tuple[str, ...]] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    documents: list[tuple[str, ...]] = field(default_factory=list)
    slugs: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    departments: list[tuple[str, ...]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    asks: list[str] = field(default_factory=list)
    release: str | None = None


def printed_numbers(number: str) -> tuple[str, ...]:
    """How a normalised clause number is printed in a text: ``第10条`` → ``第10条``, ``第十条``."""
    match = re.fullmatch(r"第(\d+)(.+)", number)
    if not match:
        return (number,)
    return (number, f"第{to_chinese_numeral(int(match.group(1)))}{match.group(2)}")


def parse_query(text: str, segmenter: Segmenter, synonyms: Synonyms | None = None) -> ParsedQuery:
    """Parse what a user typed; raises :class:`QueryError` when nothing is left to search."""
    parts = _Parts()
    asking = analyse(text.strip())
    parts.asks += asking.asks
    parts.ignored += [w for form in asking.forms for w in segmenter.words(form)]
    for match in _CHUNK_RE.finditer(asking.text):
        _add_chunk(parts, segmenter, match)
    if synonyms:
        parts.words = [_with_alternatives(w, synonyms, segmenter) for w in parts.words]
    parsed = ParsedQuery(
        text=text,
        words=tuple(_dedupe(parts.words)),
        phrases=tuple(p for p in parts.phrases if p),
        excluded=tuple(e for e in parts.excluded if e),
        numbers=tuple(dict.fromkeys(parts.numbers)),
        documents=tuple(parts.documents),
        document_slugs=tuple(parts.slugs),
        kinds=tuple(dict.fromkeys(parts.kinds)),
        departments=tuple(d for d in parts.departments if d),
        release=parts.release,
        ignored=tuple(parts.ignored),
        asks=tuple(dict.fromkeys(parts.asks)),
    )
    if not (parsed.has_terms or parsed.documents or parsed.kinds or parsed.departments):
        raise QueryError(f"nothing to search in {text!r}", "请输入要检索的词语。")
    return _require_something(parsed)


def _add_chunk(parts: _Parts, segmenter: Segmenter, match: re.Match[str]) -> None:
    negated = bool(match.group("neg"))
    field_name = FIELD_ALIASES.get((match.group("field") or "").lower())
    quoted = next(
        (g for g in (match.group("q1"), match.group("q2"), match.group("q3")) if g is not None), None
    )
    value = quoted if quoted is not None else match.group("plain") or ""
    if match.group("field") and field_name is None:
        value = f"{match.group('field')}:{value}"  # 9:00 or an unknown name: plain text
    if not value.strip():
        return
    if field_name == "release":
        parts.release = value.strip()
    elif field_name == "kind":
        parts.kinds += _kinds(value)
    elif field_name == "document":
        parts.documents.append(tuple(segmenter.words(value)))
        parts.slugs.append(value.strip())
    elif field_name == "department":
        parts.departments.append(tuple(segmenter.words(value)))
    elif negated:
        parts.excluded.append(tuple(segmenter.words(value)))
    elif quoted is not None:
        _add_phrase(parts, segmenter, value)
    else:
        _add_words(parts, segmenter, value)


def _kinds(value: str) -> tuple[str, ...]:
    kinds = KIND_ALIASES.get(normalize(value).strip())
    if kinds is None:
        raise QueryError(
            f"unknown kind {value!r}", f"未知的类型：{value}（可用：制度、条款、标题、岗位、表单）"
        )
    return kinds


def _add_phrase(parts: _Parts, segmenter: Segmenter, value: str) -> None:
    words = segmenter.words(value)
    if len(words) == 1:
        _add_words(parts, segmenter, value)  # a one-word phrase is that word
    elif words:
        parts.phrases.append(tuple(words))


def _add_words(parts: _Parts, segmenter: Segmenter, value: str) -> None:
    for group in segmenter.groups(value):
        word = group[-1]
        if CLAUSE_NUMBER_RE.match(word):
            parts.numbers.append(word)
        elif word in QUESTION_WORDS:
            parts.ignored.append(word)
            if word in WORD_ASKS:
                parts.asks.append(WORD_ASKS[word])
        else:
            parts.words.append(Word(word, group[:-1], optional=len(word) == 1))


def _with_alternatives(word: Word, synonyms: Synonyms, segmenter: Segmenter) -> Word:
    found = synonyms.get(word.text)
    if not found:
        return word
    alternatives = tuple(tuple(w for part in a.split("+") for w in segmenter.words(part)) for a in found)
    return Word(word.text, word.subwords, word.optional, tuple(a for a in alternatives if a))


def _dedupe(words: list[Word]) -> list[Word]:
    seen: dict[str, Word] = {}
    for word in words:
        seen.setdefault(word.text, word)
    return list(seen.values())


def _require_something(parsed: ParsedQuery) -> ParsedQuery:
    """If every word is a single character, they are all required (``卡``, ``月 日``)."""
    if parsed.words and all(w.optional for w in parsed.words) and not (parsed.phrases or parsed.numbers):
        return replace(parsed, words=tuple(replace(w, optional=False) for w in parsed.words))
    return parsed
