"""Reading one raw value of a field into its clean, typed form.

Raw values come from a web form (strings) or a JSON file (strings, numbers).
Each reader returns the typed value (``str``, ``Decimal``, ``datetime.date``,
``"2026-12"`` for a month, ``"09:30"`` for a time) or ``None`` when empty,
and raises :class:`FieldProblem` with a Chinese message otherwise.  Nothing
here knows about other fields; :mod:`forms.validation` does that.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.dates import NoSuchDay, NotADate, parse_date
from domain.model import FieldSpec

# Text that a spreadsheet would run as a formula when exported (CSV/XLSX injection).
FORMULA_PREFIXES = ("=", "+", "-", "@")
# Characters an XML document cannot hold (a .docx would not open) and that no one types on purpose.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_MONTH_FORMS = (re.compile(r"(\d{4})-(\d{1,2})"), re.compile(r"(\d{4})年(\d{1,2})月"))
_TIME = re.compile(r"(\d{1,2})[:：](\d{2})")
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
DEFAULT_MAX_LENGTH = {"text": 200, "multiline": 5000, "person": 50, "department": 50, "choice": 50}


class FieldProblem(Exception):
    """One field's value breaks a rule; ``message`` is shown next to the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_value(spec: FieldSpec, raw: Any) -> Any:
    """The clean value of ``raw`` for ``spec``, ``None`` when it is empty."""
    if raw is None:
        return None
    if isinstance(raw, bool | list | dict | tuple):
        raise FieldProblem("格式不正确。")
    if spec.type in ("number", "money", "percent"):
        return read_number(spec, raw)
    text = clean_text(str(raw), multiline=spec.type == "multiline")
    if not text:
        return None
    if spec.type == "date":
        return read_date(text)
    if spec.type == "month":
        return read_month(text)
    if spec.type == "time":
        return read_time(text)
    return read_text(spec, text)


def clean_text(text: str, *, multiline: bool) -> str:
    """Normalised text: Unix line ends, no control characters, tabs as spaces, trimmed.

    Single-line fields get their line breaks folded into spaces.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _XML_INVALID.sub("", text)
    if not multiline:
        text = " ".join(part.strip() for part in text.split("\n") if part.strip())
    return text.strip()


def read_text(spec: FieldSpec, text: str) -> str:
    limit = spec.max_length or DEFAULT_MAX_LENGTH.get(spec.type, 200)
    if len(text) > limit:
        raise FieldProblem(f"最多{limit}个字，现为{len(text)}个字。")
    if spec.type == "choice":
        if text not in spec.choices:
            raise FieldProblem(f"请从以下选项中选择：{'、'.join(spec.choices)}。")
        return text
    if spec.pattern is not None:
        if not re.fullmatch(spec.pattern, text):
            raise FieldProblem(spec.pattern_message or "格式不正确。")
        return text
    if text.startswith(FORMULA_PREFIXES):
        raise FieldProblem("不能以 = + - @ 开头（导出到表格时会被当作公式），请删去该符号或在前面加上文字。")
    return text


def read_number(spec: FieldSpec, raw: Any) -> Decimal | None:
    """A finite decimal inside the field's bounds, with at most its number of decimals."""
    if isinstance(raw, float) and raw != raw:  # NaN from JSON
        raise FieldProblem("请填写数字。")
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace(" ", "")
    if spec.type == "percent":
        text = text.removesuffix("%")
    if spec.unit and spec.type != "percent":
        text = text.removesuffix(spec.unit)
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        raise FieldProblem("请填写数字（可带小数点，不要写单位或科学计数法）。")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise FieldProblem("请填写数字。") from exc
    return _check_bounds(spec, value)


def _check_bounds(spec: FieldSpec, value: Decimal) -> Decimal:
    minimum = Decimal(str(spec.minimum)) if spec.minimum is not None else Decimal(0)
    maximum = Decimal(str(spec.maximum)) if spec.maximum is not None else Decimal("1e12")
    unit = spec.unit if spec.type != "percent" else "%"
    if value < 0 <= minimum:
        raise FieldProblem("不能为负数。")
    if value < minimum:
        raise FieldProblem(f"不能小于{format_plain(minimum)}{unit}。")
    if value > maximum:
        raise FieldProblem(f"不能大于{format_plain(maximum)}{unit}，请检查是否多输了位数。")
    decimals = spec.decimals if spec.decimals is not None else 2
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimals:
        raise FieldProblem("只能填写整数。" if decimals == 0 else f"最多保留{decimals}位小数。")
    return value


def format_plain(value: Decimal) -> str:
    """``Decimal('100.00')`` → ``100``; ``Decimal('0.50')`` → ``0.5``; no exponent."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def read_date(text: str) -> dt.date:
    try:
        value = parse_date(text)
    except NoSuchDay as exc:
        raise FieldProblem("没有这一天，请检查日期。") from exc
    except NotADate as exc:
        raise FieldProblem("请按“2026-03-01”的格式填写日期。") from exc
    if not EARLIEST <= value <= LATEST:
        raise FieldProblem("日期应在2000年至2099年之间。")
    return value


def read_month(text: str) -> str:
    for form in _MONTH_FORMS:
        if match := form.fullmatch(text):
            year, month = (int(g) for g in match.groups())
            if not 1 <= month <= 12:
                raise FieldProblem("月份应在1至12之间。")
            if not EARLIEST.year <= year <= LATEST.year:
                raise FieldProblem("年份应在2000年至2099年之间。")
            return f"{year:04d}-{month:02d}"
    raise FieldProblem("请按“2026-03”的格式填写月份。")


def read_time(text: str) -> str:
    if match := _TIME.fullmatch(text):
        hour, minute = (int(g) for g in match.groups())
        if hour <= 23 and minute <= 59:
            return f"{hour:02d}:{minute:02d}"
    raise FieldProblem("请按“09:30”的格式填写时间（24小时制）。")
