"""Web form input: posted fields → the raw values dict the forms stage validates, and back.

Input names follow the error keys of :mod:`forms.validation`: ``name`` for a
field and ``table-row-column`` for a cell, so a message lands next to its
input.  The HTML attributes here give the browser the same rules as the
server (required, lengths, ranges, date order), for messages before submit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from domain.model import FieldSpec, FormTemplate
from forms.values import DEFAULT_MAX_LENGTH, format_plain

MAX_ROW_INDEX = 500  # ignore absurd row numbers in posted names
EXTRA_BLANK_ROWS = 1  # blank rows offered under a table's filled rows (the 添加一行 button adds more)


def raw_from_post(template: FormTemplate, form: Mapping[str, str]) -> dict[str, Any]:
    """The raw values of ``template`` in posted ``form`` data (computed and system fields ignored)."""
    raw: dict[str, Any] = {}
    for spec in template.fields:
        if spec.computed or spec.system:
            continue
        if spec.type == "table":
            raw[spec.name] = _rows(spec, form)
        else:
            raw[spec.name] = form.get(spec.name, "")
    return raw


def _rows(spec: FieldSpec, form: Mapping[str, str]) -> list[dict[str, str]]:
    pattern = re.compile(rf"{re.escape(spec.name)}-(\d{{1,4}})-(\w+)")
    columns = {c.name for c in spec.columns if not c.computed}
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        match = pattern.fullmatch(key)
        if match and match.group(2) in columns and int(match.group(1)) <= MAX_ROW_INDEX:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = form.get(key, "")
    return [rows[i] for i in sorted(rows)]


def rows_for_display(spec: FieldSpec, raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The table's rows as entered, plus blank ones to fill; at least ``min_rows``."""
    rows = [row for row in raw.get(spec.name) or [] if isinstance(row, Mapping)]
    wanted = max(spec.min_rows, len(rows) + EXTRA_BLANK_ROWS)
    if spec.max_rows is not None:
        wanted = min(wanted, spec.max_rows)
    return rows + [{} for _ in range(max(0, wanted - len(rows)))]


def input_attributes(spec: FieldSpec) -> dict[str, Any]:
    """HTML attributes for the input of ``spec``; ``data-*`` ones drive formsdesk.js."""
    attributes: dict[str, Any] = {"data-label": spec.label}
    if spec.required:
        attributes["data-required"] = "1"
        attributes["aria-required"] = "true"
    if spec.type in ("text", "multiline", "person", "department"):
        attributes["maxlength"] = spec.max_length or DEFAULT_MAX_LENGTH.get(spec.type, 200)
    if spec.type == "text":
        attributes["type"] = "text"
    if spec.pattern:
        attributes["data-pattern"] = spec.pattern
        attributes["data-pattern-message"] = spec.pattern_message
    if spec.type in ("number", "money", "percent"):
        attributes.update(type="text", inputmode="decimal", autocomplete="off")
        attributes["data-number"] = "1"
        attributes["data-min"] = _plain(spec.minimum if spec.minimum is not None else 0)
        if spec.maximum is not None:
            attributes["data-max"] = _plain(spec.maximum)
        attributes["data-decimals"] = spec.decimals if spec.decimals is not None else 2
        attributes["data-unit"] = "%" if spec.type == "percent" else spec.unit
    if spec.type == "date":
        attributes.update(type="date", min="2000-01-01", max="2099-12-31")
    if spec.type == "month":
        attributes.update(type="month", min="2000-01", max="2099-12", placeholder="2026-03")
    if spec.type == "time":
        attributes.update(type="time")
    if spec.type == "person":
        attributes.update(type="text", list="people", autocomplete="off")
    if spec.after:
        attributes["data-after"] = spec.after
    return attributes


def _plain(number: float) -> str:
    """``1e9`` → ``1000000000``, ``0.01`` → ``0.01``: as the messages print bounds."""
    return format_plain(Decimal(str(number)))


def display_value(value: Any) -> str:
    """A raw value as an input's value attribute shows it."""
    return "" if value is None else str(value)
