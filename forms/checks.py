"""Cross-field rules of single forms, named in ``FormTemplate.checks``.

Each check reads the clean values (computed fields included) and returns
the problems it finds: an error keyed by the field (or table cell) to show it
next to, or a warning that does not stop the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Values = Mapping[str, Any]
MONEY_COLUMNS = (("sales", "销售额"), ("collection", "回款"), ("profit", "利润"))
PLAN_DEADLINE_DAY = 28  # 每月28日前制订下月目标


@dataclass(frozen=True)
class Issue:
    """A broken rule: ``key`` is a field name or ``table-row-column``; warnings do not block."""

    key: str
    message: str
    warning: bool = False


def quarters_match_departments(values: Values) -> list[Issue]:
    """The four quarters add up to the department totals, and no quarter appears twice."""
    issues: list[Issue] = []
    quarters = values.get("quarter_targets") or []
    seen: set[str] = set()
    for i, row in enumerate(quarters):
        if row.get("quarter") in seen:
            issues.append(Issue(f"quarter_targets-{i}-quarter", f"{row['quarter']}重复了。"))
        seen.add(row.get("quarter", ""))
    departments = values.get("department_targets") or []
    if not quarters or not departments:
        return issues
    for column, label in MONEY_COLUMNS:
        by_quarter = sum((r.get(column) or Decimal(0) for r in quarters), Decimal(0))
        by_department = sum((r.get(column) or Decimal(0) for r in departments), Decimal(0))
        if by_quarter != by_department:
            issues.append(
                Issue(
                    "quarter_targets",
                    f"各季度{label}合计 {by_quarter:f} 万元，与各部门{label}合计 {by_department:f} 万元不一致。",
                )
            )
    return issues


def monthly_plan_deadline(values: Values) -> list[Issue]:
    """目标管理制度: next month's goals are set before the 28th; later plans get a warning."""
    plan_month, prepared_on = values.get("plan_month"), values.get("prepared_on")
    if not plan_month or not isinstance(prepared_on, dt.date):
        return []
    year, month = (int(part) for part in plan_month.split("-"))
    first_of_plan = dt.date(year, month, 1)
    deadline = (first_of_plan - dt.timedelta(days=1)).replace(day=PLAN_DEADLINE_DAY)
    if prepared_on >= first_of_plan + dt.timedelta(days=31):
        return [Issue("prepared_on", "编制日期晚于计划月份，请检查计划月份是否填错（应为下月）。")]
    if prepared_on > deadline:
        return [
            Issue(
                "prepared_on",
                f"按《营销中心目标管理制度》，{month}月目标应在{deadline.month}月{PLAN_DEADLINE_DAY}日前制订，本计划已逾期。",
                warning=True,
            )
        ]
    return []


def check_dates_within_period(values: Values) -> list[Issue]:
    """目标管理卡: every check date falls inside the assessment period."""
    start, end = values.get("period_start"), values.get("period_end")
    if not start or not end:
        return []
    start_year, start_month = (int(p) for p in start.split("-"))
    first = dt.date(start_year, start_month, 1)
    end_year, end_month = (int(p) for p in end.split("-"))
    last = dt.date(end_year + end_month // 12, end_month % 12 + 1, 1) - dt.timedelta(days=1)
    return [
        Issue(f"targets-{i}-check_date", "检查日期应在考核期内。")
        for i, row in enumerate(values.get("targets") or [])
        if isinstance(row.get("check_date"), dt.date) and not first <= row["check_date"] <= last
    ]


def inner_area_within_building_area(values: Values) -> list[Issue]:
    inner, building = values.get("inner_area"), values.get("building_area")
    if inner is not None and building is not None and inner > building:
        return [Issue("inner_area", "套内面积不能大于建筑面积。")]
    return []


def instalments_match_total(values: Values) -> list[Issue]:
    """The payment schedule, when given, adds up to 总房款 to the fen."""
    rows = values.get("instalments") or []
    total = values.get("total_price")
    amounts = [row["amount"] for row in rows if row.get("amount") is not None]
    if not amounts or total is None:
        return []
    scheduled = sum(amounts, Decimal(0))
    if scheduled != total:
        return [Issue("instalments", f"各期金额合计 {scheduled:,.2f} 元，与总房款 {total:,.2f} 元不一致。")]
    return []


CHECKS: dict[str, Callable[[Values], list[Issue]]] = {
    "quarters_match_departments": quarters_match_departments,
    "monthly_plan_deadline": monthly_plan_deadline,
    "check_dates_within_period": check_dates_within_period,
    "inner_area_within_building_area": inner_area_within_building_area,
    "instalments_match_total": instalments_match_total,
}
