"""The lifecycle forms, read by hand so that every refusal is in Chinese (no WTForms English)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_wtf import FlaskForm

from portal.lifecycle.reviews import CareInput


class CsrfOnly(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token; the fields are parsed below."""


def _number(form: Mapping[str, str], name: str, label: str, low: int, high: int, errors: dict[str, str]) -> int:
    raw = (form.get(name) or "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = f"{label}须为 {low} 至 {high} 之间的整数。"
        return low
    return int(raw)


def parse_care(form: Mapping[str, str], departments: Sequence[str]) -> tuple[CareInput | None, dict[str, str]]:
    """A regulation's owner and cycles from the posted fields, or the Chinese error of each bad field."""
    errors: dict[str, str] = {}
    department = (form.get("owner_department") or "").strip()
    if department and department not in departments:
        errors["owner_department"] = "请从列表中选择部门。"
    employee_no = (form.get("owner_employee_no") or "").strip()
    if len(employee_no) > 32 or any(ord(c) < 32 for c in employee_no):
        errors["owner_employee_no"] = "工号格式不正确。"
    review = _number(form, "review_months", "复审周期", 1, 120, errors)
    reattest = _number(form, "reattest_months", "重新确认周期", 0, 120, errors)
    seconds = _number(form, "min_reading_seconds", "最短阅读时间", 0, 3600, errors)
    percent = _number(form, "quiz_pass_percent", "测验及格线", 1, 100, errors) if "quiz_pass_percent" in form else 80
    if errors:
        return None, errors
    return CareInput(department, employee_no, review, reattest, form.get("reading_check") == "1", seconds, percent), {}


@dataclass(frozen=True)
class SettingsInput:
    lead_days: int
    grace_days: int
    reattest_due_days: int


def parse_settings(form: Mapping[str, str]) -> tuple[SettingsInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    values = SettingsInput(
        _number(form, "lead_days", "提前通知天数", 0, 365, errors),
        _number(form, "grace_days", "宽限天数", 0, 365, errors),
        _number(form, "reattest_due_days", "重新确认期限", 1, 365, errors),
    )
    return (None, errors) if errors else (values, {})


def parse_decision(form: Mapping[str, str]) -> tuple[str, str, dict[str, str]]:
    outcome = form.get("outcome") or ""
    note = (form.get("note") or "").strip()
    errors: dict[str, str] = {}
    if outcome not in ("unchanged", "revising"):
        errors["outcome"] = "请选择复审结论。"
    if len(note) > 2000:
        errors["note"] = "说明不能超过 2000 字。"
    if outcome == "revising" and not note:
        errors["note"] = "提出修订时请说明要修订的内容。"
    return outcome, note.replace("\x00", ""), errors
