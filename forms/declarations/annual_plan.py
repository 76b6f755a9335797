"""年度营销计划: the annual marketing plan of 计划管理 and the 市场拓展计划书.

The handbook's planning rules ask for an annual plan with research and
analysis, strategy and the targets the 目标管理制度 names (销售额, 回款,
利润, 市场占有率), broken down to departments; the 市场拓展计划书 lists
行业现状及市场调研分析, 竞争分析 and 市场策略、市场拓展手段.  Targets are in
万元 and split twice, by department and by quarter, and the two splits must
add up to the same totals.
"""

from __future__ import annotations

from domain.model import ClauseRef, FormTemplate
from forms.declarations.common import (
    SHORT_TEXT,
    choice,
    computed,
    date,
    department,
    money,
    multiline,
    number,
    percent,
    person,
    table,
    text,
)

QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")

_DEPARTMENT_TARGETS = table(
    "department_targets",
    "各部门目标分解",
    (
        department("department", "部门", required=True),
        money("sales", "销售额", unit="万元", required=True),
        money("collection", "回款", unit="万元", required=True),
        money("profit", "利润", unit="万元", required=True),
        percent("market_share", "市场占有率", help="本部门负责市场的目标占有率。"),
    ),
    min_rows=1,
    max_rows=30,
    help="每个部门一行；销售额、回款、利润以万元为单位。",
)

_QUARTER_TARGETS = table(
    "quarter_targets",
    "分季度目标",
    (
        choice("quarter", "季度", QUARTERS, required=True),
        money("sales", "销售额", unit="万元", required=True),
        money("collection", "回款", unit="万元", required=True),
        money("profit", "利润", unit="万元", required=True),
        percent("market_share", "市场占有率"),
    ),
    min_rows=4,
    max_rows=4,
    help="四个季度各一行；各季度合计应等于各部门合计。",
)

_BUDGET = table(
    "budget",
    "营销费用预算",
    (
        text("item", "费用项目", max_length=SHORT_TEXT, required=True),
        money("amount", "金额", unit="万元", required=True),
        text("note", "说明"),
    ),
    min_rows=1,
    max_rows=40,
)

_SCHEDULE = table(
    "schedule",
    "进度安排",
    (
        text("task", "工作事项", required=True),
        person("owner", "负责人", required=True),
        date("start", "开始日期", required=True),
        date("end", "完成日期", required=True, after="start"),
    ),
    min_rows=1,
    max_rows=40,
)

ANNUAL_PLAN = FormTemplate(
    slug="annual-marketing-plan",
    title="年度营销计划",
    description="年度综合营销计划及市场拓展计划书：市场调研与竞争分析、市场策略，销售额、回款、利润、市场占有率目标按部门和季度分解，费用预算与进度安排。",
    template_file="annual-marketing-plan.docx",
    fields=(
        number("plan_year", "计划年度", unit="年", minimum=2000, maximum=2099, decimals=0, required=True, help="计划执行的年度，如 2027。"),
        department("department", "编制部门", required=True),
        person("preparer", "编制人", required=True),
        date("prepared_on", "编制日期", required=True, help="市场拓展计划书初稿每年12月中旬编制。"),
        multiline("market_analysis", "行业现状及市场调研分析", required=True, help="行业现状、同类产品销售总量与饱和程度、各地区市场占有率、用户反映等。"),
        multiline("competition", "竞争分析", required=True, help="内部、外部及潜在竞争者的分析。"),
        multiline("strategy", "市场策略与拓展手段", required=True, help="企业拟采取的市场策略、市场拓展手段。"),
        _DEPARTMENT_TARGETS,
        computed("total_sales", "销售额合计", "sum:department_targets.sales", "money", unit="万元"),
        computed("total_collection", "回款合计", "sum:department_targets.collection", "money", unit="万元"),
        computed("total_profit", "利润合计", "sum:department_targets.profit", "money", unit="万元"),
        _QUARTER_TARGETS,
        _BUDGET,
        computed("budget_total", "预算合计", "sum:budget.amount", "money", unit="万元"),
        _SCHEDULE,
        multiline("notes", "其他说明", max_length=2000),
    ),
    required_by=(
        ClauseRef("营销中心目标管理制度", "第二章-三"),  # 计划管理：年度综合营销计划
        ClauseRef("营销中心目标管理制度", "三-1"),  # targets: 销售、回款、利润、市场占有率目标
        ClauseRef("营销管理中心规范化管理架构部门职责及制度", "第九条"),  # 市场拓展计划书的内容
    ),
    checks=("quarters_match_departments",),
)
