"""目标管理卡: the page of :data:`forms.declarations.goal_card.GOAL_CARD`: its blocks in page order, its fields as placeholders."""

from __future__ import annotations

from docx.document import Document

from forms.declarations.goal_card import GOAL_CARD
from forms.layout import grid, heading, label, new_document, note, repeating_table, signatures, title, value

FORM = GOAL_CARD


def layout() -> Document:
    doc = new_document("YX-MB-03")
    title(doc, "目标管理卡")
    grid(
        doc,
        [
            [label("责任人"), value("{{ owner }}"), label("岗位"), value("{{ position }}")],
            [label("部门"), value("{{ department }}"), label("审核人"), value("{{ reviewer }}")],
            [label("考核期"), value("{{ period_start }} 至 {{ period_end }}", span=3)],
        ],
    )
    heading(doc, "一、目标及实施方案")
    repeating_table(
        doc,
        "targets",
        ("序号", "目标项目", "目标值", "权重（%）", "实施措施", "检查日期"),
        (
            "{{ loop.index }}",
            "{{ row.item }}",
            "{{ row.value }}",
            "{{ row.weight }}",
            "{{ row.measures }}",
            "{{ row.check_date }}",
        ),
        (1.4, 2.6, 2.2, 1.8, 4.6, 3.4),
        total=("合计", "", "", "{{ weight_total }}", "", ""),
        right=(3,),
    )
    heading(doc, "二、检查、协调与调整记录")
    repeating_table(
        doc,
        "check_log",
        ("序号", "日期", "执行情况", "协调与调整措施", "检查人"),
        (
            "{{ loop.index }}",
            "{{ row.date }}",
            "{{ row.progress }}",
            "{{ row.adjustment }}",
            "{{ row.checker }}",
        ),
        (1.4, 3.4, 4.6, 4.4, 2.2),
    )
    heading(doc, "三、考核")
    grid(
        doc,
        [
            [label("考核得分"), value("{{ score }}", span=3)],
            [label("考核意见"), value("{{ assessment }}", span=3)],
        ],
    )
    signatures(
        doc,
        [
            ("责任人：{{ owner }}", "日期："),
            ("审核人：{{ reviewer }}", "日期："),
            ("营销副总：", "日期："),
        ],
    )
    note(doc, "依据：《营销中心目标管理制度》——目标的计划、协调、检查、调整、考核等情况登记在案。")
    return doc
