"""Render one counter value in a Word number format (``w:numFmt``).

Word stores an automatic number as a counter plus a format name
(``chineseCounting``, ``decimal``, ``upperRoman`` …); the digits never
appear in the paragraph text.  These pure functions turn ``(value, format)``
into what Word prints, e.g. ``(3, "chineseCounting") -> "三"``.
Unknown formats fall back to Arabic digits, which is what Word does for
formats it cannot draw.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.numerals import DIGITS, to_chinese_numeral

_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def chinese_legal(value: int) -> str:
    """Financial numerals: ``3 -> 叁``, ``12 -> 壹拾贰``."""
    return to_chinese_numeral(value, legal=True)


def roman(value: int) -> str:
    """``4 -> IV``; values outside 1–3999 stay Arabic."""
    if not 0 < value < 4000:
        return str(value)
    parts: list[str] = []
    for amount, symbol in _ROMAN:
        count, value = divmod(value, amount)
        parts.append(symbol * count)
    return "".join(parts)


def letters(value: int) -> str:
    """Word's letter sequence: ``a … z, aa … zz, aaa …`` (the letter repeats)."""
    if value <= 0:
        return str(value)
    repeat, index = divmod(value - 1, 26)
    return chr(ord("a") + index) * (repeat + 1)


def cyclic(sequence: str) -> Callable[[int], str]:
    """A format that walks a fixed sequence of symbols and wraps around."""

    def render(value: int) -> str:
        return sequence[(value - 1) % len(sequence)] if value > 0 else str(value)

    return render


def enclosed(first: int, last_value: int) -> Callable[[int], str]:
    """Enclosed digits such as ①: code points from ``first``, Arabic beyond ``last_value``."""

    def render(value: int) -> str:
        return chr(first + value - 1) if 1 <= value <= last_value else str(value)

    return render


def _decimal_zero(value: int) -> str:
    return f"{value:02d}" if 0 <= value < 10 else str(value)


def _full_width(value: int) -> str:
    return "".join(chr(ord(c) - ord("0") + ord("０")) for c in str(value))


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": _decimal_zero,
    "decimalFullWidth": _full_width,
    "decimalFullWidth2": _full_width,
    "decimalHalfWidth": str,
    "chineseCounting": to_chinese_numeral,
    "chineseCountingThousand": to_chinese_numeral,
    "japaneseCounting": to_chinese_numeral,
    "taiwaneseCounting": to_chinese_numeral,
    "taiwaneseCountingThousand": to_chinese_numeral,
    "koreanCounting": to_chinese_numeral,
    "ideographDigital": lambda v: "".join(DIGITS[int(c)] for c in str(v)),
    "chineseLegalSimplified": chinese_legal,
    "japaneseLegal": chinese_legal,
    "ideographTraditional": cyclic(_HEAVENLY_STEMS),
    "ideographZodiac": cyclic(_EARTHLY_BRANCHES),
    "decimalEnclosedCircle": enclosed(0x2460, 20),
    "decimalEnclosedCircleChinese": enclosed(0x2460, 20),
    "ideographEnclosedCircle": lambda v: f"({to_chinese_numeral(v)})",
    "decimalEnclosedParen": enclosed(0x2474, 20),
    "decimalEnclosedFullstop": enclosed(0x2488, 20),
    "lowerLetter": letters,
    "upperLetter": lambda v: letters(v).upper(),
    "lowerRoman": lambda v: roman(v).lower(),
    "upperRoman": roman,
    "none": lambda v: "",
}


def format_number(value: int, num_fmt: str) -> str:
    """The counter ``value`` as Word prints it in format ``num_fmt``.

    ``bullet`` is not handled here: a bullet has no counter, its symbol is the
    level text itself (see :mod:`importers.numbering_defs`).
    """
    return _FORMATS.get(num_fmt, str)(value)
