"""Chinese numerals: ``二十一`` ↔ 21.

Importers need them to read 第十条 and 一、 and to print Word's counters;
search needs them so that 第10条 finds 第十条; titles print 之二.  One
implementation for all (a library such as cn2an reads and writes more forms,
but this module is what the handbook's output is checked against).
"""

from __future__ import annotations

CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "零〇一二三四五六七八九十百千两"


def parse_chinese_numeral(text: str) -> int | None:
    """``十`` → 10, ``二十一`` → 21, ``一百零五`` → 105; ``None`` if not a numeral."""
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def parse_numeral(text: str) -> int | None:
    """An Arabic or Chinese numeral as an integer."""
    if text.isdigit():
        return int(text)
    return parse_chinese_numeral(text)


DIGITS = "零一二三四五六七八九"
LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"  # 大写, as on cheques and Word's chineseLegalSimplified
UNITS = ("", "十", "百", "千")
LEGAL_UNITS = ("", "拾", "佰", "仟")


def to_chinese_numeral(value: int, *, legal: bool = False) -> str:
    """10 → ``十``, 21 → ``二十一``, 105 → ``一百零五``; ``legal``: 12 → ``壹拾贰``.

    The one writer of Chinese numerals (headings, Word's counters, titles).
    Defined for 1 ≤ value < 10000: ``0`` and below give ``零``, 10000 and
    above stay Arabic digits, as Word prints them.  Only the plain form drops
    the leading ``一`` of 10–19 (十一, but 壹拾壹).
    """
    digits, units = (LEGAL_DIGITS, LEGAL_UNITS) if legal else (DIGITS, UNITS)
    if value <= 0:
        return digits[0]
    if value >= 10_000:
        return str(value)
    parts: list[str] = []
    pending_zero = False
    text = str(value)
    for position, char in enumerate(text):
        digit = int(char)
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(digits[0])
            pending_zero = False
        parts.append(digits[digit] + units[len(text) - position - 1])
    rendered = "".join(parts)
    if 10 <= value < 20 and not legal:
        rendered = rendered[1:]
    return rendered
