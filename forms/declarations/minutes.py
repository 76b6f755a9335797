"""会议纪要: the minutes the 市场营销中心会议管理制度 asks for.

"会议需要有专人记录会议内容和决议事项，并整理成会议纪要，交由会议主持人审核和
签署"; "会议纪要需及时编写、审核和分发给参会人员".  The recorder fills the
form; the chair's signature and its date are system fields that the portal
fills when the chair signs, so a printed copy shows who approved it.
"""

from __future__ import annotations

from domain.model import ClauseRef, FieldSpec, FormTemplate
from forms.declarations.common import (
    SHORT_TEXT,
    choice,
    computed,
    date,
    multiline,
    person,
    table,
    text,
    time,
)

MEETING_TYPES = ("经营月度例会", "目标诊断会", "部门例会", "专题会议", "其他")
CONFIDENTIALITY = ("公开", "内部", "秘密", "机密")

_ATTENDEES = table(
    "attendees",
    "参会人员",
    (person("name", "姓名", required=True),),
    min_rows=1,
    max_rows=100,
)

_ABSENTEES = table(
    "absentees",
    "缺席人员",
    (person("name", "姓名", required=True), text("reason", "缺席原因", max_length=SHORT_TEXT)),
    max_rows=100,
)

_DECISIONS = table(
    "decisions",
    "决议事项",
    (
        text("item", "决议事项", max_length=500, required=True),
        person("owner", "责任人", required=True),
        date("deadline", "完成期限", required=True, after="meeting_date"),
    ),
    max_rows=50,
    help="每项决议写明责任人和完成期限；完成期限不能早于会议日期。",
)

MINUTES = FormTemplate(
    slug="meeting-minutes",
    title="会议纪要",
    description="会议记录人整理会议纪要：会议名称、类型、时间、地点、主持人、记录人、参会和缺席人员、议程、讨论内容、决议事项（责任人、完成期限）和保密等级；经主持人审核签署后分发参会人员。",
    template_file="meeting-minutes.docx",
    fields=(
        text("meeting_name", "会议名称", max_length=100, required=True),
        choice("meeting_type", "会议类型", MEETING_TYPES, required=True),
        date("meeting_date", "会议日期", required=True),
        time("start_time", "开始时间", required=True),
        time("end_time", "结束时间", required=True, after="start_time"),
        text("location", "会议地点", max_length=100, required=True),
        person("chair", "主持人", required=True),
        person("recorder", "记录人", required=True),
        _ATTENDEES,
        computed("attendee_names", "参会人员", "join:attendees.name"),
        _ABSENTEES,
        computed("absentee_list", "缺席人员", "join_reasons:absentees"),
        multiline("agenda", "会议议程", required=True, max_length=2000, help="每行一项议程。"),
        multiline("discussion", "讨论内容", required=True, max_length=10000),
        _DECISIONS,
        choice("confidentiality", "保密等级", CONFIDENTIALITY, required=True, help="涉及商业机密的纪要不得外传。"),
        FieldSpec(name="approved_by", label="主持人签署", type="person", system=True, help="主持人审核签署后由系统填写。"),
        FieldSpec(name="approved_on", label="签署日期", type="date", system=True, help="主持人审核签署后由系统填写。"),
    ),
    required_by=(
        ClauseRef("市场营销中心会议管理制度", "三-4"),
        ClauseRef("市场营销中心会议管理制度", "五-2"),
    ),
)
