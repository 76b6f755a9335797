"""The fields a form works out itself: rates, totals, 总房款, amounts in words.

A declaration names the function in ``FieldSpec.computed`` as
``"function"`` or ``"function:argument"``; :func:`compute` looks it up here.
A computed column of a table gets its row; a form-level field gets all the
clean values.  Each function returns ``None`` when its inputs are missing, so
a half-filled draft still renders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.errors import ValidationFailed
from forms.amounts import amount_in_words

Values = Mapping[str, Any]
CENT = Decimal("0.01")


def achievement_rate(row: Values, _: str) -> Decimal | None:
    """达成率 in percent, one decimal: actual ÷ target × 100."""
    target, actual = row.get("target"), row.get("actual")
    if target is None or actual is None or target == 0:
        return None
    return (Decimal(actual) / Decimal(target) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def area_times_price(values: Values, _: str) -> Decimal | None:
    """总房款 = 建筑面积 × 单价, rounded half up to the fen."""
    area, price = values.get("building_area"), values.get("unit_price")
    if area is None or price is None:
        return None
    return (Decimal(area) * Decimal(price)).quantize(CENT, ROUND_HALF_UP)


def words(values: Values, field: str) -> str | None:
    """The 人民币大写 of another money field."""
    amount = values.get(field)
    if amount is None:
        return None
    try:
        return amount_in_words(Decimal(amount))
    except ValidationFailed:
        return None  # the amount itself carries the error message


def column_sum(values: Values, path: str) -> Decimal | None:
    """Sum of ``table.column`` over the rows that have a value."""
    table, column = path.split(".")
    numbers = [row[column] for row in values.get(table) or () if row.get(column) is not None]
    return sum(numbers, Decimal(0)) if numbers else None


def join_column(values: Values, path: str) -> str | None:
    """``table.column`` joined with 、 (names of attendees)."""
    table, column = path.split(".")
    names = [str(row[column]) for row in values.get(table) or () if row.get(column)]
    return "、".join(names) or None


def join_reasons(values: Values, table: str) -> str | None:
    """Absentees with their reason: 张三（出差）、李四."""
    parts = [
        f"{row['name']}（{row['reason']}）" if row.get("reason") else str(row["name"])
        for row in values.get(table) or ()
        if row.get("name")
    ]
    return "、".join(parts) or None


FUNCTIONS: dict[str, Callable[[Values, str], Any]] = {
    "achievement_rate": achievement_rate,
    "area_times_price": area_times_price,
    "amount_in_words": words,
    "sum": column_sum,
    "join": join_column,
    "join_reasons": join_reasons,
}


def compute(name: str, values: Values) -> Any:
    """Run the computed-field function ``name`` (``"sum:budget.amount"``) on ``values``."""
    function, _, argument = name.partition(":")
    return FUNCTIONS[function](values, argument)


def is_known(name: str) -> bool:
    return name.partition(":")[0] in FUNCTIONS
