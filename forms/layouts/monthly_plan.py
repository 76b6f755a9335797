"""月度目标与PDCA计划: the page of :data:`forms.declarations.monthly_plan.MONTHLY_PLAN`: its blocks in page order, its fields as placeholders."""

from __future__ import annotations

from docx.document import Document

from forms.declarations.monthly_plan import MONTHLY_PLAN
from forms.layout import (
    body,
    grid,
    heading,
    label,
    new_document,
    note,
    repeating_table,
    signatures,
    text_grid,
    title,
    value,
)

FORM = MONTHLY_PLAN


def layout() -> Document:
    doc = new_document("YX-MB-02")
    title(doc, "月度目标与PDCA计划")
    grid(
        doc,
        [
            [label("部门"), value("{{ department }}"), label("计划月份"), value("{{ plan_month }}")],
            [label("编制人"), value("{{ preparer }}"), label("编制日期"), value("{{ prepared_on }}")],
        ],
    )
    heading(doc, "一、本月目标完成情况")
    repeating_table(
        doc,
        "results",
        ("序号", "目标项目", "单位", "目标值", "实际完成", "达成率（%）", "差异原因分析"),
        (
            "{{ loop.index }}",
            "{{ row.indicator }}",
            "{{ row.unit }}",
            "{{ row.target }}",
            "{{ row.actual }}",
            "{{ row.rate }}",
            "{{ row.analysis }}",
        ),
        (1.4, 2.8, 1.3, 2.0, 2.0, 2.0, 4.5),
        right=(3, 4, 5),
    )
    heading(doc, "二、本月目标实施情况总结")
    body(doc, "{{ summary }}")
    heading(doc, "三、下月目标分解")
    repeating_table(
        doc,
        "next_targets",
        ("序号", "岗位", "责任人", "目标项目", "目标值", "单位", "主要措施"),
        (
            "{{ loop.index }}",
            "{{ row.position }}",
            "{{ row.owner }}",
            "{{ row.indicator }}",
            "{{ row.target }}",
            "{{ row.unit }}",
            "{{ row.measures }}",
        ),
        (1.4, 2.2, 1.9, 2.4, 1.9, 1.3, 4.9),
        right=(4,),
    )
    heading(doc, "四、PDCA行动计划")
    text_grid(
        doc,
        [
            ("计划（P）", "{{ plan }}"),
            ("执行（D）", "{{ do }}"),
            ("检查（C）", "{{ check }}"),
            ("处理（A）", "{{ act }}"),
        ],
    )
    signatures(
        doc,
        [
            ("编制人：{{ preparer }}", "日期："),
            ("部门经理审核：", "日期："),
            ("营销副总审核：", "日期："),
        ],
    )
    note(doc, "依据：《营销中心目标管理制度》——各部门每月28日前制订下月目标，总结本月目标实施情况。")
    return doc
