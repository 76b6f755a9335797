"""Amounts of money in Chinese capitals (人民币大写), as contracts and receipts write them.

The rules are those of the People's Bank's rules for filling in bills
(正确填写票据和结算凭证的基本规定):

* digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 inside a group of four digits,
  groups 万 and 亿; ``10`` is 壹拾, not 拾;
* zeros inside the number are written as a single 零 (1,001 → 壹仟零壹元,
  100,000,001 → 壹亿零壹元); zeros at the end of a group are not written;
* an amount without 分 ends in 整 (壹佰元整, 捌角整); 零 stands between 元
  and 分 when there are no 角 (壹元零伍分); an amount under one yuan starts at
  its 角 or 分 (伍角, 零元整 for nothing at all).

:func:`amount_from_words` reads such words back; the tests use it to check
that every amount round-trips.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.errors import ValidationFailed

DIGITS = "零壹贰叁肆伍陆柒捌玖"
GROUP_UNITS = ("仟", "佰", "拾", "")  # thousands to units inside a group of four
MAX_AMOUNT = Decimal("999999999999.99")  # below 一万亿: the 亿 group stays within four digits


def amount_in_words(amount: Decimal) -> str:
    """``Decimal('1234567.80')`` → ``壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整``.

    Raises :class:`ValidationFailed` for negative amounts, fractions of a
    分, non-finite values and amounts of 一万亿 or more.
    """
    cents = _to_cents(amount)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if cents == 0:
        return "零元整"
    words = f"{_integer_words(yuan)}元" if yuan else ""
    if jiao == 0 and fen == 0:
        return f"{words}整"
    if fen == 0:
        return f"{words}{DIGITS[jiao]}角整"
    if jiao == 0:
        return f"{words}{'零' if yuan else ''}{DIGITS[fen]}分"
    return f"{words}{DIGITS[jiao]}角{DIGITS[fen]}分"


def _to_cents(amount: Decimal) -> int:
    try:
        if not amount.is_finite():
            raise InvalidOperation
        cents = amount * 100
        exact = cents == cents.to_integral_value()
    except (InvalidOperation, AttributeError, TypeError) as exc:
        raise ValidationFailed(f"not an amount: {amount!r}", "金额不是有效的数字。") from exc
    if amount < 0:
        raise ValidationFailed(f"negative amount {amount}", "金额不能为负数。")
    if amount > MAX_AMOUNT:
        raise ValidationFailed(f"amount too large {amount}", "金额过大（应小于一万亿元）。")
    if not exact:
        raise ValidationFailed(f"fraction of a fen in {amount}", "金额最多保留两位小数（分）。")
    return int(cents)


def _integer_words(number: int) -> str:
    """Words for a whole number of yuan (1 ≤ number < 10¹²), without 元."""
    groups = ((number // 100_000_000, "亿"), (number // 10_000 % 10_000, "万"), (number % 10_000, ""))
    out = ""
    zero_between = False  # a whole group of zeros since the last written group
    for value, name in groups:
        if value == 0:
            zero_between = bool(out)
            continue
        # A group that does not fill its thousands place, after a written group, starts with 零.
        if out and (zero_between or value < 1000):
            out += "零"
        out += _group_words(value) + name
        zero_between = False
    return out


def _group_words(value: int) -> str:
    """Words for 1 ≤ value ≤ 9999, inner zeros as one 零, trailing zeros silent."""
    out = ""
    pending_zero = False
    for position, unit in enumerate(GROUP_UNITS):
        digit = value // 10 ** (3 - position) % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += DIGITS[digit] + unit
    return out


_DIGIT_VALUES = {ch: i for i, ch in enumerate(DIGITS)}
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}


def amount_from_words(words: str) -> Decimal:
    """Read capitals back: ``壹佰元零伍分`` → ``Decimal('100.05')``.

    Accepts an optional 人民币 prefix and 整/正 suffix.  Raises
    :class:`ValidationFailed` on a character it does not know.
    """
    text = words.strip().removeprefix("人民币").rstrip("整正")
    yuan_text, _, fraction_text = text.rpartition("元") if "元" in text else ("", "", text)
    yuan = _parse_integer(yuan_text)
    cents = 0
    digit = 0
    for ch in fraction_text:
        if ch in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[ch]
        elif ch == "角":
            cents += digit * 10
            digit = 0
        elif ch == "分":
            cents += digit
            digit = 0
        else:
            raise ValidationFailed(f"unknown character {ch!r} in {words!r}", "无法识别的大写金额。")
    return Decimal(yuan * 100 + cents) / 100


def _parse_integer(text: str) -> int:
    total = 0  # completed 亿 and 万 groups
    group = 0  # the group being read
    digit: int | None = None  # None: no digit since the last unit (拾 alone means 壹拾)
    for ch in text:
        if ch in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[ch]
        elif ch in _SMALL_UNITS:
            group += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        elif ch == "亿":
            total = (total + group + (digit or 0)) * _BIG_UNITS[ch]
            group, digit = 0, None
        elif ch == "万":
            total += (group + (digit or 0)) * _BIG_UNITS[ch]
            group, digit = 0, None
        else:
            raise ValidationFailed(f"unknown character {ch!r} in {text!r}", "无法识别的大写金额。")
    return total + group + (digit or 0)
