"""Short constructors for the field kinds the declarations use over and over.

They only fill in :class:`domain.model.FieldSpec` with the house defaults
(length limits, money bounds), so that each declaration reads like the form.
"""

from __future__ import annotations

from typing import Any

from domain.model import FieldSpec

# Upper bounds that no real entry reaches: they stop absurd input (and 100,000-character pastes).
SHORT_TEXT = 50
LINE_TEXT = 200
LONG_TEXT = 5000
MONEY_MAX = 999_999_999_999.99  # below 一万亿元, the limit of the 大写 writer


def text(name: str, label: str, *, max_length: int = LINE_TEXT, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="text", max_length=max_length, **kw)


def multiline(name: str, label: str, *, max_length: int = LONG_TEXT, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="multiline", max_length=max_length, **kw)


def person(name: str, label: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="person", max_length=SHORT_TEXT, **kw)


def department(name: str, label: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="department", max_length=SHORT_TEXT, **kw)


def date(name: str, label: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="date", **kw)


def month(name: str, label: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="month", **kw)


def time(name: str, label: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="time", **kw)


def choice(name: str, label: str, choices: tuple[str, ...], **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="choice", choices=choices, **kw)


def number(name: str, label: str, *, unit: str = "", minimum: float = 0, maximum: float = 1e9, decimals: int = 2, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="number", unit=unit, minimum=minimum, maximum=maximum, decimals=decimals, **kw)


def money(name: str, label: str, *, unit: str = "元", maximum: float = MONEY_MAX, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="money", unit=unit, minimum=0, maximum=maximum, decimals=2, **kw)


def percent(name: str, label: str, *, minimum: float = 0, maximum: float = 100, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="percent", unit="%", minimum=minimum, maximum=maximum, decimals=2, **kw)


def table(name: str, label: str, columns: tuple[FieldSpec, ...], *, max_rows: int = 100, **kw: Any) -> FieldSpec:
    return FieldSpec(name=name, label=label, type="table", columns=columns, max_rows=max_rows, **kw)


def computed(name: str, label: str, function: str, type_: str = "text", **kw: Any) -> FieldSpec:
    """A field the form works out itself (``function`` names it in :mod:`forms.computed`)."""
    return FieldSpec(name=name, label=label, type=type_, computed=function, **kw)  # type: ignore[arg-type]
