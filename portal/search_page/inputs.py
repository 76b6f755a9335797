"""HR's synonym and gap forms, read by hand so that every refusal is in Chinese."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask_wtf import FlaskForm

MAX_WORD = 40
MAX_ALTERNATIVES = 8


class CsrfOnly(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token; the fields are parsed below."""


@dataclass(frozen=True)
class SynonymInput:
    word: str
    alternatives: tuple[str, ...]


def parse_synonym(
    form: Mapping[str, str], words_of: Callable[[str], list[str]]
) -> tuple[SynonymInput | None, str]:
    """The posted word and alternatives, or a Chinese error.

    ``words_of`` cuts a text as the search does: the word must be one search word (expansion
    applies to single words), the alternatives may be several (同 ``解除+劳动合同``).
    """
    word = " ".join((form.get("word") or "").split())
    alternatives = tuple(dict.fromkeys((form.get("alternatives") or "").replace("，", " ").replace(",", " ").split()))
    if not word:
        return None, "请填写员工使用的词。"
    if len(word) > MAX_WORD or any(len(a) > MAX_WORD for a in alternatives):
        return None, f"每个词不超过 {MAX_WORD} 个字。"
    if not alternatives:
        return None, "请填写制度中使用的词（可填多个，用空格分隔）。"
    if len(alternatives) > MAX_ALTERNATIVES:
        return None, f"同义词最多 {MAX_ALTERNATIVES} 个。"
    cut = words_of(word)
    if len(cut) != 1:
        shown = " / ".join(cut) if cut else word
        return None, f"“{word}”在检索中会切分为：{shown}，请分别为其中的词添加同义词。"
    if word in alternatives:
        return None, "同义词不能与原词相同。"
    return SynonymInput(cut[0], alternatives), ""
