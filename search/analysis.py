"""Chinese text analysis for search: jieba words, numbers kept, consecutive positions.

Every text is cut into **position groups**: one group per word of jieba's
accurate mode, holding the word's search-mode sub-words first and the word
itself last (``会议纪要`` → ``会议 纪要 会议纪要``).  All tokens of a group share
one position, and positions are consecutive, so a quoted phrase (cut into
accurate-mode words) matches wherever those words follow each other, even
when the phrase starts inside a compound (``纪要需及时``).  jieba's own
``ChineseAnalyzer`` uses character offsets as positions, which breaks phrases.

Numbers are kept whole and normalised: ``第十条`` and ``第10条`` are both
``第10条``; ``28日`` is ``28`` + ``28日``.  English and digits are lowercased
and full-width forms folded (NFKC).

Segmentation happens here, once, in Python; the index only splits the
pre-segmented string (:class:`PresegmentedTokenizer`), so Whoosh never needs
jieba and the index does not depend on where the dictionary lives.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import jieba
from whoosh.analysis import Token, Tokenizer

from domain.normalize import fix_glyphs
from domain.numerals import parse_numeral

log = logging.getLogger(__name__)

Group = tuple[str, ...]

# Separators of the pre-segmented form: between groups, and between tokens of a group.
GROUP_SEP = "\x1e"
TOKEN_SEP = "\x1f"

# Function words that carry no meaning for search; dropped at index and query time.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "之",
        "等",
        "和",
        "与",
        "及",
        "或",
        "并",
        "且",
        "也",
        "都",
        "地",
        "得",
        "着",
        "呢",
        "吗",
        "吧",
        "啊",
        "其",
        "该",
        "此",
    ]
)


CLAUSE_UNITS = "条|章|节|编|部分|款|项"
_NUMBER_RE = re.compile(
    rf"第(?P<n>[零〇一二两三四五六七八九十百千\d]+)(?P<unit>{CLAUSE_UNITS})"
    r"|(?P<digits>\d+(?:[.:]\d+)*)(?P<suffix>个月|小时|分钟|万元|日|号|月|年|天|%|元|次|人|名|岁)?"
)
_WORDLIKE_RE = re.compile(r"\w")
_SCRIPT_RUN_RE = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")
CLAUSE_NUMBER_RE = re.compile(rf"^第\d+(?:{CLAUSE_UNITS})$")


def chinese_numeral_value(numeral: str) -> int | None:
    """``十`` → 10, ``二十三`` → 23, ``一百零五`` → 105, ``12`` → 12; ``None`` if not a numeral."""
    return parse_numeral(numeral)


def clause_number_key(number: str) -> str:
    """The normalised form of a printed clause number: ``第十条`` → ``第10条``; others unchanged."""
    match = _NUMBER_RE.fullmatch(normalize(number).strip())
    if match and match.group("unit"):
        value = chinese_numeral_value(match.group("n"))
        if value is not None:
            return f"第{value}{match.group('unit')}"
    return normalize(number).strip()


def normalize(text: str) -> str:
    """Full-width folded, variant glyphs fixed, lowercased: the form both sides compare."""
    return fix_glyphs(unicodedata.normalize("NFKC", text)).lower()


class Segmenter:
    """jieba with our dictionaries, plus the number and position rules above.

    Loading jieba costs ≈ 0.75 s and ≈ 94 MB: build one per process with
    :func:`load_segmenter`, never per request.
    """

    def __init__(self, dictionaries: Sequence[Path] = ()) -> None:
        jieba.setLogLevel(logging.WARNING)
        # Our own instance, so that the dictionaries of other stages cannot change our tokens.
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        digest = hashlib.sha256()
        for dictionary in dictionaries:
            data = Path(dictionary).read_bytes()
            digest.update(data)
            self._jieba.load_userdict(io.BytesIO(data))
        # An index is only valid for the dictionaries it was segmented with.
        self.fingerprint = digest.hexdigest()[:16]
        self._freq: dict[str, int] = self._jieba.FREQ

    def words(self, text: str) -> list[str]:
        """Accurate-mode words (numbers normalised, stopwords and punctuation dropped)."""
        return [group[-1] for group in self.groups(text)]

    def groups(self, text: str) -> list[Group]:
        """The position groups of ``text``: sub-words first, the word last."""
        out: list[Group] = []
        text = normalize(text)
        cursor = 0
        for match in _NUMBER_RE.finditer(text):
            out += self._word_groups(text[cursor : match.start()])
            out.append(_number_group(match))
            cursor = match.end()
        out += self._word_groups(text[cursor:])
        return out

    def subwords(self, word: str) -> Group:
        """jieba search mode's 2- and 3-character dictionary words inside ``word``."""
        if len(word) <= 2:
            return ()
        subs = [word[i : i + 2] for i in range(len(word) - 1) if self._freq.get(word[i : i + 2])]
        if len(word) > 3:
            subs += [word[i : i + 3] for i in range(len(word) - 2) if self._freq.get(word[i : i + 3])]
        # ``pdca循环`` → ``pdca`` + ``循环``: Latin and Chinese runs of a mixed word are words too.
        subs += [run for run in _SCRIPT_RUN_RE.findall(word) if run != word]
        return tuple(dict.fromkeys(s for s in subs if s != word and s not in STOPWORDS))

    def _word_groups(self, text: str) -> list[Group]:
        if not text:
            return []
        groups: list[Group] = []
        for word in self._jieba.cut(text, HMM=False):
            word = word.strip()
            if not word or word in STOPWORDS or not _WORDLIKE_RE.search(word):
                continue
            groups.append((*self.subwords(word), word))
        return groups


def _number_group(match: re.Match[str]) -> Group:
    if match.group("unit"):
        value = chinese_numeral_value(match.group("n"))
        return (f"第{value}{match.group('unit')}",)
    digits, suffix = match.group("digits"), match.group("suffix")
    return (digits, digits + suffix) if suffix else (digits,)


@functools.lru_cache(maxsize=4)
def load_segmenter(dictionaries: tuple[Path, ...] = ()) -> Segmenter:
    """The process-wide segmenter for these dictionaries (jieba is loaded once)."""
    log.info("loading jieba with %d user dictionaries", len(dictionaries))
    return Segmenter(dictionaries)


def encode_groups(groups: Sequence[Group]) -> str:
    """The pre-segmented form stored in the index: what :class:`PresegmentedTokenizer` reads."""
    return GROUP_SEP.join(TOKEN_SEP.join(group) for group in groups)


def decode_groups(value: str) -> Iterator[Group]:
    for part in value.split(GROUP_SEP):
        if part:
            yield tuple(part.split(TOKEN_SEP))


class PresegmentedTokenizer(Tokenizer):  # type: ignore[misc]
    """Whoosh tokenizer for :func:`encode_groups` output: one position per group."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for offset, group in enumerate(decode_groups(value)):
            for text in group:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = start_pos + offset
                if chars:
                    # Character offsets are not kept: highlighting works on the stored text.
                    token.startchar = token.endchar = start_char
                yield token
