"""销售合同与客户档案: the contract register and the customer file it feeds.

The 销售部经理's duties in 营销中心管理制度（完整） say the customer file records
"编号、姓名、房号、面积[建筑、套内]、单价、总房款、付款方式、签约日期、交房时间、
特殊条款、合同号、附件、联系电话、住址".  总房款 is computed from the building
area and the unit price, and every amount is also written in Chinese
capitals, as contracts require.  A payment schedule, when given, must add up
to the total.
"""

from __future__ import annotations

from domain.model import ClauseRef, FormTemplate
from forms.declarations.common import (
    SHORT_TEXT,
    choice,
    computed,
    date,
    money,
    multiline,
    number,
    person,
    table,
    text,
)

PAYMENT_METHODS = ("一次性付款", "分期付款", "商业贷款", "公积金贷款", "组合贷款")
PHONE_PATTERN = r"(\+86[- ]?)?1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}"

_INSTALMENTS = table(
    "instalments",
    "付款计划",
    (
        text("term", "期次", max_length=20, required=True, help="如 首付款、第二期。"),
        money("amount", "金额", required=True),
        computed("amount_words", "金额大写", "amount_in_words:amount"),
        date("due", "应付日期", required=True, after="signed_on"),
    ),
    max_rows=24,
    help="分期付款或贷款时填写；各期金额合计必须等于总房款。",
)

_ATTACHMENTS = table(
    "attachments",
    "附件",
    (
        text("name", "附件名称", max_length=100, required=True, help="如 认购书、身份证复印件、贷款合同。"),
        number("copies", "份数", unit="份", minimum=1, maximum=99, decimals=0, required=True),
    ),
    max_rows=20,
)

SALES_CONTRACT = FormTemplate(
    slug="sales-contract",
    title="销售合同与客户档案",
    description="签订销售合同时登记合同要素并建立客户档案：编号、姓名、房号、建筑/套内面积、单价、总房款（自动计算并写出大写金额）、付款方式与付款计划、签约和交房日期、特殊条款、合同号、附件、联系电话、住址。",
    template_file="sales-contract.docx",
    fields=(
        text("archive_no", "档案编号", max_length=30, required=True),
        text("contract_no", "合同号", max_length=30, required=True),
        text("project", "项目名称", max_length=SHORT_TEXT, required=True),
        text("customer_name", "客户姓名", max_length=SHORT_TEXT, required=True, help="多位买受人用顿号分隔。"),
        text("phone", "联系电话", max_length=20, required=True, pattern=PHONE_PATTERN, pattern_message="请填写11位手机号或带区号的固定电话，如 13812345678、010-12345678。"),
        text("address", "住址", max_length=100, required=True),
        text("room_no", "房号", max_length=20, required=True, help="楼栋-单元-房号，如 3-2-1201。"),
        number("building_area", "建筑面积", unit="平方米", minimum=1, maximum=100_000, required=True),
        number("inner_area", "套内面积", unit="平方米", minimum=1, maximum=100_000, required=True, help="不能大于建筑面积。"),
        money("unit_price", "单价", unit="元/平方米", maximum=1_000_000, required=True, help="按建筑面积计价的单价。"),
        computed("total_price", "总房款", "area_times_price", "money", unit="元", help="建筑面积 × 单价，自动计算，保留到分。"),
        computed("total_price_words", "总房款（大写）", "amount_in_words:total_price"),
        choice("payment_method", "付款方式", PAYMENT_METHODS, required=True),
        _INSTALMENTS,
        date("signed_on", "签约日期", required=True),
        date("delivery_date", "交房时间", required=True, after="signed_on"),
        multiline("special_terms", "特殊条款", max_length=2000, help="没有则留空。"),
        _ATTACHMENTS,
        person("sales_agent", "置业顾问", required=True),
        person("manager", "销售经理", required=True, help="负责审核合同并建立客户档案。"),
    ),
    required_by=(ClauseRef("营销中心管理制度完整", "第一章-一-17"),),
    checks=("inner_area_within_building_area", "instalments_match_total"),
)
