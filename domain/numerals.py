"""Chinese numerals: ``二十一`` ↔ 21.

Importers need them to read 第十条 and 一、; search needs them so that
第10条 finds 第十条.  One implementation for both.
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


def to_chinese_numeral(value: int) -> str:
    """10 → ``十``, 21 → ``二十一``, 105 → ``一百零五`` (1 ≤ value < 10000)."""
    if value <= 0:
        return "零"
    digits = "零一二三四五六七八九"
    out = ""
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit_value % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += "零"
            zero_pending = False
        out += ("" if digit == 1 and unit == "十" and not out else digits[digit]) + unit
    return out
