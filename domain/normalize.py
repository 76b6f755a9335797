"""Text normalisation that both the importers and the diff rely on.

The importers use these functions to clean text (and report each change);
the diff uses :func:`comparison_key` so that pure formatting (full/half
width, whitespace, glyph variants) never counts as a change of a clause.
"""

from __future__ import annotations

import re
import unicodedata

# Variant or mis-encoded glyphs seen in Chinese Word files, mapped to the
# standard character.  臵 is the classic GBK mis-decoding of 置 (设臵 → 设置);
# 得 for 的 is too common to fix blindly and is left alone.
GLYPH_VARIANTS: dict[str, str] = {
    "臵": "置",
    "時": "时",
    "説": "说",
    "為": "为",
    "於": "于",
    "錶": "表",
    "⼀": "一",
    "⼆": "二",
    "⼈": "人",
    "⼊": "入",
    "⼋": "八",
    "⼗": "十",
    "⼯": "工",
    "⽇": "日",
    "⽉": "月",
    "⽬": "目",
    "⾏": "行",
}

# Full-width ASCII letters and digits become half-width; Chinese punctuation
# stays full width (，。：；？！（）), which is the house style of the handbook.
_ASCII_PUNCT_TO_CJK = {
    ",": "，",
    ":": "：",
    ";": "；",
    "?": "？",
    "!": "！",
    "(": "（",
    ")": "）",
}


def fix_glyphs(text: str) -> str:
    """Replace known variant glyphs with the standard character."""
    return "".join(GLYPH_VARIANTS.get(ch, ch) for ch in text)


def halfwidth_alnum(text: str) -> str:
    """Full-width letters and digits (ＡＢ１２) to ASCII; other text untouched."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def cjk_punctuation(text: str) -> str:
    """ASCII , : ; ? ! ( ) next to Chinese text become their full-width forms.

    A mark between two ASCII characters (``3.1``, ``10:30``, ``(a)`` in
    English) is left alone.
    """
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch not in _ASCII_PUNCT_TO_CJK:
            continue
        before = chars[i - 1] if i > 0 else ""
        after = chars[i + 1] if i + 1 < len(chars) else ""
        if _is_cjk(before) or _is_cjk(after) or (ch in "()" and _cjk_inside_parens(text, i)):
            chars[i] = _ASCII_PUNCT_TO_CJK[ch]
    return "".join(chars)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")


def _cjk_inside_parens(text: str, index: int) -> bool:
    """Whether the bracket at ``index`` encloses or follows Chinese text: (1) after 。 counts."""
    window = text[max(0, index - 6) : index + 6]
    return any(_is_cjk(c) for c in window)


def comparison_key(text: str) -> str:
    """The text with every formatting-only difference removed, for diffs.

    NFKC folds full/half width; glyph variants are fixed; all whitespace and
    punctuation width are dropped from the comparison.
    """
    text = fix_glyphs(unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", "", text)
