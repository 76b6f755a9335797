"""年度营销计划: the page of :data:`forms.declarations.annual_plan.ANNUAL_PLAN`: its blocks in page order, its fields as placeholders."""

from __future__ import annotations

from docx.document import Document

from forms.declarations.annual_plan import ANNUAL_PLAN
from forms.layout import (
    body,
    grid,
    heading,
    label,
    new_document,
    note,
    repeating_table,
    signatures,
    subheading,
    title,
    value,
)

FORM = ANNUAL_PLAN


def layout() -> Document:
    doc = new_document("YX-JH-01")
    title(doc, "{{ plan_year or '＿＿＿＿' }}年度营销计划")
    grid(
        doc,
        [
            [label("计划年度"), value("{{ plan_year }}年"), label("编制部门"), value("{{ department }}")],
            [label("编制人"), value("{{ preparer }}"), label("编制日期"), value("{{ prepared_on }}")],
        ],
    )
    heading(doc, "一、行业现状及市场调研分析")
    body(doc, "{{ market_analysis }}")
    heading(doc, "二、竞争分析")
    body(doc, "{{ competition }}")
    heading(doc, "三、市场策略与拓展手段")
    body(doc, "{{ strategy }}")
    heading(doc, "四、营销目标")
    subheading(doc, "（一）各部门目标分解（单位：万元）")
    money_widths = (1.4, 3.4, 2.9, 2.9, 2.9, 2.5)
    repeating_table(
        doc,
        "department_targets",
        ("序号", "部门", "销售额", "回款", "利润", "市场占有率（%）"),
        (
            "{{ loop.index }}",
            "{{ row.department }}",
            "{{ row.sales }}",
            "{{ row.collection }}",
            "{{ row.profit }}",
            "{{ row.market_share }}",
        ),
        money_widths,
        total=("合计", "", "{{ total_sales }}", "{{ total_collection }}", "{{ total_profit }}", ""),
        right=(2, 3, 4, 5),
    )
    subheading(doc, "（二）分季度目标（单位：万元）")
    repeating_table(
        doc,
        "quarter_targets",
        ("序号", "季度", "销售额", "回款", "利润", "市场占有率（%）"),
        (
            "{{ loop.index }}",
            "{{ row.quarter }}",
            "{{ row.sales }}",
            "{{ row.collection }}",
            "{{ row.profit }}",
            "{{ row.market_share }}",
        ),
        money_widths,
        right=(2, 3, 4, 5),
    )
    heading(doc, "五、营销费用预算（单位：万元）")
    repeating_table(
        doc,
        "budget",
        ("序号", "费用项目", "金额", "说明"),
        ("{{ loop.index }}", "{{ row.item }}", "{{ row.amount }}", "{{ row.note }}"),
        (1.4, 4.2, 3.0, 7.4),
        total=("合计", "", "{{ budget_total }}", ""),
        right=(2,),
    )
    heading(doc, "六、进度安排")
    repeating_table(
        doc,
        "schedule",
        ("序号", "工作事项", "负责人", "开始日期", "完成日期"),
        ("{{ loop.index }}", "{{ row.task }}", "{{ row.owner }}", "{{ row.start }}", "{{ row.end }}"),
        (1.4, 5.6, 2.2, 3.4, 3.4),
    )
    heading(doc, "七、其他说明")
    body(doc, "{{ notes }}")
    signatures(
        doc,
        [
            ("编制人：{{ preparer }}", "日期："),
            ("营销副总审核：", "日期："),
            ("总经理批准：", "日期："),
        ],
    )
    note(doc, "依据：《营销中心目标管理制度》计划管理；市场拓展计划书每年12月中旬编制初稿。")
    return doc
