"""Words a release does not contain, backed off to the release's own words that share their morphemes.

Staff write ``抽烟``, ``样板房``, ``午休``; the handbook says ``吸烟``, ``样板间``,
``午餐``.  When a question word has no postings at all in a release, the
release's vocabulary is searched for words of the same length that differ
from it in one character only (``抽烟`` → ``吸烟``), the most frequent first.
Learnt from the index itself, so it keeps up with each release; it never
touches a word the release contains, so keyword searches are unchanged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

MAX_ALTERNATIVES = 3
_HAN_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


class Vocabulary:
    """The Chinese words (2–4 characters) of one index field, by one-character-wildcard pattern."""

    def __init__(self, words: Iterable[str], frequency: Callable[[str], int]) -> None:
        self._frequency = frequency
        self._by_pattern: dict[str, list[str]] = defaultdict(list)
        self._words: set[str] = set()
        for word in words:
            if _HAN_RE.match(word):
                self._words.add(word)
                for pattern in _patterns(word):
                    self._by_pattern[pattern].append(word)

    def __contains__(self, word: str) -> bool:
        return word in self._words

    def near(self, word: str) -> tuple[str, ...]:
        """Words of this vocabulary one character away from ``word`` (which it lacks), most frequent first."""
        if word in self._words or not _HAN_RE.match(word):
            return ()
        found = {w for pattern in _patterns(word) for w in self._by_pattern.get(pattern, ())}
        ranked = sorted(found, key=lambda w: (-self._frequency(w), w))
        return tuple(ranked[:MAX_ALTERNATIVES])


def _patterns(word: str) -> list[str]:
    return [f"{word[:i]}?{word[i + 1 :]}" for i in range(len(word))]
