"""销售合同与客户档案: the page of :data:`forms.declarations.sales_contract.SALES_CONTRACT`: its blocks in page order, its fields as placeholders."""

from __future__ import annotations

from docx.document import Document

from forms.declarations.sales_contract import SALES_CONTRACT
from forms.layout import (
    grid,
    heading,
    label,
    new_document,
    note,
    repeating_table,
    right_note,
    signatures,
    title,
    value,
)

FORM = SALES_CONTRACT


def layout() -> Document:
    doc = new_document("YX-XS-04")
    title(doc, "销售合同与客户档案")
    right_note(
        doc, "档案编号：{{ archive_no or '＿＿＿＿＿＿' }}　　合同号：{{ contract_no or '＿＿＿＿＿＿' }}"
    )
    heading(doc, "一、客户信息")
    grid(
        doc,
        [
            [label("客户姓名"), value("{{ customer_name }}"), label("联系电话"), value("{{ phone }}")],
            [label("住址"), value("{{ address }}", span=3)],
        ],
    )
    heading(doc, "二、房屋及价款")
    grid(
        doc,
        [
            [label("项目名称"), value("{{ project }}"), label("房号"), value("{{ room_no }}")],
            [
                label("建筑面积"),
                value("{{ building_area }} 平方米"),
                label("套内面积"),
                value("{{ inner_area }} 平方米"),
            ],
            [
                label("单价"),
                value("{{ unit_price }} 元/平方米"),
                label("总房款"),
                value("¥{{ total_price }} 元"),
            ],
            [label("总房款大写"), value("人民币{{ total_price_words }}", span=3)],
        ],
    )
    heading(doc, "三、付款方式及付款计划")
    grid(doc, [[label("付款方式"), value("{{ payment_method }}", span=3)]])
    repeating_table(
        doc,
        "instalments",
        ("期次", "金额（元）", "金额（大写）", "应付日期"),
        ("{{ row.term }}", "{{ row.amount }}", "{{ row.amount_words }}", "{{ row.due }}"),
        (2.6, 3.0, 7.0, 3.4),
        right=(1,),
    )
    heading(doc, "四、合同履行")
    grid(
        doc,
        [
            [label("签约日期"), value("{{ signed_on }}"), label("交房时间"), value("{{ delivery_date }}")],
            [label("特殊条款"), value("{{ special_terms }}", span=3)],
        ],
    )
    heading(doc, "五、附件")
    repeating_table(
        doc,
        "attachments",
        ("序号", "附件名称", "份数"),
        ("{{ loop.index }}", "{{ row.name }}", "{{ row.copies }}"),
        (1.4, 11.6, 3.0),
    )
    signatures(
        doc,
        [
            ("置业顾问：{{ sales_agent }}", "日期："),
            ("销售经理：{{ manager }}", "日期："),
            ("客户签字：", "日期："),
        ],
    )
    note(doc, "依据：《营销中心管理制度（完整）》销售部经理职责——客户档案详细记录造册、存案、存档。")
    return doc
