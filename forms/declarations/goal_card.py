"""目标管理卡: the goal card of the 营销中心目标管理制度.

"营销中心要建立目标管理卡，设立目标实施方案，将每项目标的展开情况，实施过程
中的计划、协调、检查、调整、考核等情况登记在案。"  One card per owner and
period: each target with its value, weight (the weights add up to 100),
measures and check date, then a log of checks and adjustments and the
assessment.
"""

from __future__ import annotations

from domain.model import ClauseRef, FormTemplate
from forms.declarations.common import (
    SHORT_TEXT,
    computed,
    date,
    department,
    month,
    multiline,
    number,
    percent,
    person,
    table,
    text,
)

_TARGETS = table(
    "targets",
    "目标项目",
    (
        text("item", "目标项目", max_length=SHORT_TEXT, required=True),
        text("value", "目标值", max_length=SHORT_TEXT, required=True, help="含单位，如 1200万元、95%。"),
        percent("weight", "权重", required=True, minimum=1),
        text("measures", "实施措施", max_length=500, required=True),
        date("check_date", "检查日期", required=True),
    ),
    min_rows=1,
    max_rows=20,
    sum_to=100,
    help="各项目标的权重合计必须为100%。",
)

_CHECKS = table(
    "check_log",
    "检查与调整记录",
    (
        date("date", "日期", required=True),
        text("progress", "执行情况", max_length=500, required=True),
        text("adjustment", "协调与调整措施", max_length=500),
        person("checker", "检查人", required=True),
    ),
    max_rows=50,
)

GOAL_CARD = FormTemplate(
    slug="goal-card",
    title="目标管理卡",
    description="每位责任人一张：考核期内各项目标的目标值、权重（合计100%）、实施措施和检查日期，并登记检查、协调、调整和考核情况。",
    template_file="goal-card.docx",
    fields=(
        person("owner", "责任人", required=True),
        text("position", "岗位", max_length=SHORT_TEXT, required=True),
        department("department", "部门", required=True),
        month("period_start", "考核期起", required=True),
        month("period_end", "考核期止", required=True, after="period_start"),
        person("reviewer", "审核人", required=True, help="部门经理/业务部总监。"),
        _TARGETS,
        computed("weight_total", "权重合计", "sum:targets.weight", "percent", unit="%"),
        _CHECKS,
        number("score", "考核得分", maximum=100, decimals=1, help="考核期结束后填写，0—100分。"),
        multiline("assessment", "考核意见", max_length=1000),
    ),
    required_by=(ClauseRef("营销中心目标管理制度", "四-4"),),
    checks=("check_dates_within_period",),
)
