"""HR's follow-up settings form: read by hand so that every refusal is in Chinese (no WTForms English)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_wtf import FlaskForm

from portal.reminders.followup import parse_holidays


class CsrfOnly(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token; the fields are parsed by :func:`parse_settings`."""


@dataclass(frozen=True)
class SettingsInput:
    enabled: bool
    run_hour: int
    quiet_weekdays: str
    holidays: str
    before_days: int
    after_days: int
    escalate_days: int
    summary_weekday: int


NUMBERS = {  # field → (label, smallest, largest)
    "run_hour": ("每日运行时间", 0, 23),
    "before_days": ("截止前提醒天数", 0, 60),
    "after_days": ("逾期后提醒天数", 0, 60),
    "escalate_days": ("上报部门经理天数", 0, 365),
    "summary_weekday": ("每周汇总日", 0, 6),
}


def _number(form: Mapping[str, str], name: str, errors: dict[str, str]) -> int:
    label, low, high = NUMBERS[name]
    raw = (form.get(name) or "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = f"{label}须为 {low} 至 {high} 之间的整数。"
        return low
    return int(raw)


def parse_settings(form: Mapping[str, str], weekdays: list[str]) -> tuple[SettingsInput | None, dict[str, str]]:
    """The posted fields as settings, or the Chinese error of each bad field."""
    errors: dict[str, str] = {}
    numbers = {name: _number(form, name, errors) for name in NUMBERS}
    quiet = sorted({int(d) for d in weekdays if d in {"0", "1", "2", "3", "4", "5", "6"}})
    holidays = (form.get("holidays") or "").strip()
    try:
        days = parse_holidays(holidays)
    except ValueError:
        errors["holidays"] = "节假日须每行一个日期，格式如 2026-10-01。"
        days = frozenset()
    if len(quiet) == 7:
        errors["quiet_weekdays"] = "不能七天都不运行。"
    if errors:
        return None, errors
    return SettingsInput(
        enabled=form.get("enabled") == "1", quiet_weekdays=",".join(map(str, quiet)),
        holidays="\n".join(d.isoformat() for d in sorted(days)), **numbers,
    ), {}
