"""Clean values as a printed form shows them: the docxtpl context.

Money as ``1,234,567.80``, numbers without trailing zeros, dates as
``2026年3月1日`` (``2026-03-01`` in table columns), months as ``2026年3月``; units stay in the template.  Text
is passed as plain strings: docxtpl renders with ``autoescape=True``, so
``<script>`` comes out as the characters the user typed.  Multi-line text
becomes a :class:`docxtpl.Listing`, one paragraph per line.

For a blank form each field is empty (a cell to write in, or a line the
template draws), multi-line fields get ruled lines, choices boxes to tick (□内部), and tables
a few empty rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from docxtpl import Listing

from domain.model import FieldSpec, FormTemplate
from forms.values import format_plain

BLANK_ROWS = 3  # empty rows a blank form offers in each table (more if the table needs more)
BLANK_LINES = 2  # ruled lines for a multi-line field of a blank form
RULED_LINE = "_" * 58  # fits the narrowest multi-line place (a 13 cm cell) at 10.5 and 12 pt


def document_context(template: FormTemplate, values: Mapping[str, Any]) -> dict[str, Any]:
    """The context for a filled form; missing optional values print as nothing."""
    context: dict[str, Any] = {}
    for spec in template.fields:
        if spec.type == "table":
            context[spec.name] = [
                {column.name: show(column, row.get(column.name), in_table=True) for column in spec.columns}
                for row in values.get(spec.name) or []
            ]
        else:
            context[spec.name] = show(spec, values.get(spec.name))
    return context


def blank_context(template: FormTemplate) -> dict[str, Any]:
    """The context for a form to fill by hand."""
    context: dict[str, Any] = {}
    for spec in template.fields:
        if spec.type == "table":
            context[spec.name] = _blank_rows(spec)
        elif spec.type == "multiline":
            context[spec.name] = Listing("\a".join([RULED_LINE] * BLANK_LINES))
        elif spec.type == "choice":
            context[spec.name] = " ".join(f"□{choice}" for choice in spec.choices)  # tick one by hand
        else:
            context[spec.name] = ""
    return context


def _blank_rows(spec: FieldSpec) -> list[dict[str, str]]:
    """Empty rows; a table with one row per choice (the four quarters) gets them named."""
    rows = [{column.name: "" for column in spec.columns} for _ in range(max(BLANK_ROWS, spec.min_rows))]
    first = spec.columns[0]
    if first.type == "choice" and len(first.choices) == spec.min_rows == spec.max_rows:
        for row, choice in zip(rows, first.choices, strict=True):
            row[first.name] = choice
    return rows


def show(spec: FieldSpec, value: Any, *, in_table: bool = False) -> Any:
    """One value as the document prints it (multi-line text as a docxtpl listing)."""
    text = as_text(spec, value, in_table=in_table)
    if spec.type == "multiline" and text:
        # \a starts a new paragraph with the same formatting (docxtpl), so each line keeps its indent.
        return Listing(text.replace("\n", "\a"))
    return text


def as_text(spec: FieldSpec, value: Any, *, in_table: bool = False) -> str:
    """One value as printed, as plain text; dates in narrow table columns as ``2027-03-31``."""
    if value is None or value == "":
        return ""
    if spec.type == "money":
        return f"{Decimal(value):,.2f}"
    if spec.type == "number" and spec.unit == "年":
        return format_plain(Decimal(value))  # a year: 2027, never 2,027
    if spec.type in ("number", "percent"):
        return _grouped(Decimal(value))
    if spec.type == "date" and isinstance(value, dt.date):
        return value.isoformat() if in_table else f"{value.year}年{value.month}月{value.day}日"
    if spec.type == "month":
        year, month = str(value).split("-")
        return f"{int(year)}年{int(month)}月"
    return str(value)


def _grouped(value: Decimal) -> str:
    whole, _, fraction = format_plain(value).partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"
