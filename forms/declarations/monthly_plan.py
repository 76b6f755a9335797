"""月度目标与PDCA计划: the monthly goal plan of the 营销中心目标管理制度.

"各部门要围绕公司营销目标和本部门的目标，认真组织月度'PDCA循环'。每月28日前
制订下月目标，总结本月目标实施情况。"  The form holds this month's targets
against actuals (the achievement rate is computed), next month's targets per
position, and the four PDCA steps.  A plan dated after the 28th of the month
before is accepted with a warning: the late plan is better than none.
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
    person,
    table,
    text,
)

_RESULTS = table(
    "results",
    "本月目标完成情况",
    (
        text("indicator", "目标项目", max_length=SHORT_TEXT, required=True, help="如 销售额、回款、新增客户。"),
        text("unit", "单位", max_length=10, required=True, help="如 万元、套、户。"),
        number("target", "目标值", required=True, minimum=0.01),
        number("actual", "实际完成", required=True),
        computed("rate", "达成率", "achievement_rate", "percent", unit="%"),
        text("analysis", "差异原因分析"),
    ),
    min_rows=1,
    max_rows=30,
    help="达成率 = 实际完成 ÷ 目标值 × 100%，自动计算。",
)

_NEXT_TARGETS = table(
    "next_targets",
    "下月目标分解",
    (
        text("position", "岗位", max_length=SHORT_TEXT, required=True),
        person("owner", "责任人", required=True),
        text("indicator", "目标项目", max_length=SHORT_TEXT, required=True),
        number("target", "目标值", required=True),
        text("unit", "单位", max_length=10, required=True),
        text("measures", "主要措施", max_length=500),
    ),
    min_rows=1,
    max_rows=50,
    help="把部门目标分解到每个岗位：各岗位目标由责任人编制，部门经理审核。",
)

MONTHLY_PLAN = FormTemplate(
    slug="monthly-goal-plan",
    title="月度目标与PDCA计划",
    description="各部门每月28日前制订下月目标、总结本月目标实施情况：本月目标完成情况（自动计算达成率）、下月目标按岗位分解，以及计划、执行、检查、处理（PDCA）四个环节。",
    template_file="monthly-goal-plan.docx",
    fields=(
        department("department", "部门", required=True),
        month("plan_month", "计划月份", required=True, help="所制订目标的月份（下月）。"),
        person("preparer", "编制人", required=True),
        date("prepared_on", "编制日期", required=True, help="应在计划月份前一个月的28日前（含28日）。"),
        _RESULTS,
        multiline("summary", "本月目标实施情况总结", required=True, max_length=3000),
        _NEXT_TARGETS,
        multiline("plan", "计划（P）", required=True, max_length=3000, help="下月目标、实现目标的措施与资源安排。"),
        multiline("do", "执行（D）", required=True, max_length=3000, help="措施由谁、何时、如何实施。"),
        multiline("check", "检查（C）", required=True, max_length=3000, help="检查的时间、方式与标准（如月度经营例会诊断）。"),
        multiline("act", "处理（A）", required=True, max_length=3000, help="对检查发现的问题如何整改，经验如何固化。"),
    ),
    required_by=(
        ClauseRef("营销中心目标管理制度", "四-2"),  # 月度PDCA循环，每月28日前制订下月目标
        ClauseRef("营销中心目标管理制度", "三-2"),  # 目标分解到各个岗位
    ),
    checks=("monthly_plan_deadline",),
)
