"""Validation of a whole form: raw values in, clean values or Chinese messages out.

``validate(template, raw)`` is a pure function.  It reads each field
(:mod:`forms.values`), checks required fields, date order, table row counts
and column totals, fills in the computed fields (:mod:`forms.computed`) and
runs the form's cross-field checks (:mod:`forms.checks`).  Any error raises
:class:`domain.errors.ValidationFailed` whose ``field_errors`` maps a field
name, or ``table-row-column`` for a cell, to the message to show next to it.

Raw table values are lists of row dicts; rows whose every cell is blank are
dropped first (:func:`compact`), and cell keys count the remaining rows.
Values the user may not set (computed and system fields) are ignored.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from domain.errors import ValidationFailed
from domain.model import FieldSpec, FormTemplate
from forms.checks import CHECKS
from forms.computed import compute
from forms.values import FieldProblem, format_plain, read_value

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class FilledForm:
    """A form's clean values (computed fields included) and the warnings that did not block it."""

    template: FormTemplate
    values: Mapping[str, Any]
    warnings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Directory:
    """Who and what the portal knows: ``person`` and ``department`` fields must name one.

    ``None`` means no roster is at hand (the CLI): any well-formed name is taken.
    """

    people: Collection[str] | None = None
    departments: Collection[str] | None = None


def validate(template: FormTemplate, raw: Raw, directory: Directory | None = None) -> FilledForm:
    """Clean ``raw`` for ``template`` or raise :class:`ValidationFailed` with every message at once."""
    directory = directory or Directory()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for spec in template.fields:
        if spec.computed or spec.system:
            continue
        if spec.type == "table":
            values[spec.name] = _read_table(spec, raw.get(spec.name), directory, errors)
        else:
            values[spec.name] = _read_field(spec, spec.name, raw.get(spec.name), directory, errors)
    form_labels = {spec.name: spec.label for spec in template.fields}
    _check_order(template.fields, values, values, form_labels, "", errors)
    for spec in template.fields:
        if spec.type == "table":
            for i, row in enumerate(values[spec.name]):
                _check_order(spec.columns, row, values, form_labels, f"{spec.name}-{i}-", errors)
    _fill_computed(template, values)
    warnings: dict[str, str] = {}
    for name in template.checks:
        for issue in CHECKS[name](values):
            if issue.warning:
                warnings.setdefault(issue.key, issue.message)
            else:
                errors.setdefault(issue.key, issue.message)
    if errors:
        raise ValidationFailed(f"{template.slug}: {len(errors)} invalid fields: {sorted(errors)}", field_errors=errors)
    return FilledForm(template, values, warnings)


def with_system_values(filled: FilledForm, system: Raw) -> FilledForm:
    """The same form with its system fields (the chair's signature) read from ``system``."""
    values = dict(filled.values)
    errors: dict[str, str] = {}
    for spec in filled.template.fields:
        if spec.system:
            values[spec.name] = _read_field(spec, spec.name, system.get(spec.name), Directory(), errors)
    if errors:
        raise ValidationFailed(f"bad system values {errors}", field_errors=errors)
    return FilledForm(filled.template, values, filled.warnings)


def compact(template: FormTemplate, raw: Raw) -> dict[str, Any]:
    """``raw`` with the blank rows of every table removed (what the error keys count)."""
    out = dict(raw)
    for spec in template.fields:
        if spec.type == "table" and isinstance(raw.get(spec.name), list):
            out[spec.name] = [row for row in raw[spec.name] if not _is_blank_row(spec, row)]
    return out


def key_label(template: FormTemplate, key: str) -> str:
    """An error key as a reader knows it: ``decisions-0-deadline`` → ``决议事项第1行·完成期限``."""
    table_name, _, rest = key.partition("-")
    index, _, column_name = rest.partition("-")
    for spec in template.fields:
        if spec.name == key:
            return spec.label
        if spec.name == table_name and index.isdigit():
            column = next((c for c in spec.columns if c.name == column_name), None)
            if column is not None:
                return f"{spec.label}第{int(index) + 1}行·{column.label}"
    return key


def _read_field(spec: FieldSpec, key: str, raw: Any, directory: Directory, errors: dict[str, str]) -> Any:
    try:
        value = read_value(spec, raw)
        if value is None:
            if spec.required:
                raise FieldProblem(f"请填写{spec.label}。")
            return None
        _check_directory(spec, value, directory)
        return value
    except FieldProblem as problem:
        errors[key] = problem.message
        return None


def _check_directory(spec: FieldSpec, value: Any, directory: Directory) -> None:
    if spec.type == "person" and directory.people is not None and value not in directory.people:
        raise FieldProblem(f"员工名册中没有“{value}”，请填写员工姓名。")
    if spec.type == "department" and directory.departments is not None and value not in directory.departments:
        raise FieldProblem(f"没有名为“{value}”的部门，请从部门列表中选择。")


def _is_blank_row(spec: FieldSpec, row: Any) -> bool:
    if not isinstance(row, Mapping):
        return False
    return all(
        row.get(column.name) is None or str(row.get(column.name)).strip() == ""
        for column in spec.columns
        if not column.computed
    )


def _read_table(spec: FieldSpec, raw: Any, directory: Directory, errors: dict[str, str]) -> list[dict[str, Any]]:
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(row, Mapping) for row in raw):
        errors[spec.name] = "表格数据格式不正确。"
        return []
    rows = [row for row in raw if not _is_blank_row(spec, row)]
    if len(rows) < spec.min_rows:
        errors[spec.name] = f"{spec.label}至少填写{spec.min_rows}行。"
    if spec.max_rows is not None and len(rows) > spec.max_rows:
        errors[spec.name] = f"{spec.label}最多{spec.max_rows}行，现为{len(rows)}行。"
        rows = rows[: spec.max_rows]
    clean_rows = [
        {
            column.name: _read_field(column, f"{spec.name}-{i}-{column.name}", row.get(column.name), directory, errors)
            for column in spec.columns
            if not column.computed
        }
        for i, row in enumerate(rows)
    ]
    _check_column_totals(spec, clean_rows, errors)
    return clean_rows


def _check_column_totals(spec: FieldSpec, rows: list[dict[str, Any]], errors: dict[str, str]) -> None:
    if spec.sum_to is None or not rows:
        return
    for column in spec.columns:
        if column.type not in ("number", "money", "percent"):
            continue
        total = sum((row.get(column.name) or Decimal(0) for row in rows), Decimal(0))
        expected = Decimal(str(spec.sum_to))
        if total != expected:
            unit = "%" if column.type == "percent" else column.unit
            errors.setdefault(
                spec.name, f"各行{column.label}合计应为{format_plain(expected)}{unit}，现为{format_plain(total)}{unit}。"
            )


def _check_order(
    specs: tuple[FieldSpec, ...],
    row: Mapping[str, Any],
    form: Mapping[str, Any],
    form_labels: Mapping[str, str],
    prefix: str,
    errors: dict[str, str],
) -> None:
    """``after`` rules: a date, month or time is not earlier than the field it follows
    (a column may follow another column of its row or a field of the form)."""
    labels = {**form_labels, **{s.name: s.label for s in specs}}
    for spec in specs:
        if spec.after is None or row.get(spec.name) is None:
            continue
        other = row.get(spec.after) if spec.after in row else form.get(spec.after)
        if other is not None and row[spec.name] < other:
            errors.setdefault(f"{prefix}{spec.name}", f"{spec.label}不能早于{labels.get(spec.after, spec.after)}。")


def _fill_computed(template: FormTemplate, values: dict[str, Any]) -> None:
    # Row-level computed columns first: form-level totals may add them up.
    for spec in template.fields:
        if spec.type == "table":
            computed_columns = [c for c in spec.columns if c.computed]
            for row in values[spec.name]:
                for column in computed_columns:
                    row[column.name] = compute(column.computed or "", row)
    for spec in template.fields:
        if spec.computed:
            values[spec.name] = compute(spec.computed, values)
