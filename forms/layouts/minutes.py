"""会议纪要: the page of :data:`forms.declarations.minutes.MINUTES`: its blocks in page order, its fields as placeholders."""

from __future__ import annotations

from docx.document import Document

from forms.declarations.minutes import MINUTES
from forms.layout import (
    body,
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

FORM = MINUTES


def layout() -> Document:
    doc = new_document("YX-HY-05")
    title(doc, "会议纪要")
    right_note(doc, "保密等级：{{ confidentiality }}")
    grid(
        doc,
        [
            [label("会议名称"), value("{{ meeting_name }}", span=3)],
            [label("会议类型"), value("{{ meeting_type }}"), label("会议地点"), value("{{ location }}")],
            [
                label("会议时间"),
                value(
                    "{{ meeting_date or '　　年　　月　　日' }} {{ start_time or '　　:　　' }}—{{ end_time or '　　:　　' }}",
                    span=3,
                ),
            ],
            [label("主持人"), value("{{ chair }}"), label("记录人"), value("{{ recorder }}")],
            [label("参会人员"), value("{{ attendee_names }}", span=3)],
            [label("缺席人员"), value("{{ absentee_list }}", span=3)],
        ],
    )
    heading(doc, "一、会议议程")
    body(doc, "{{ agenda }}")
    heading(doc, "二、讨论内容")
    body(doc, "{{ discussion }}")
    heading(doc, "三、决议事项")
    repeating_table(
        doc,
        "decisions",
        ("序号", "决议事项", "责任人", "完成期限"),
        ("{{ loop.index }}", "{{ row.item }}", "{{ row.owner }}", "{{ row.deadline }}"),
        (1.4, 8.8, 2.4, 3.4),
    )
    signatures(
        doc,
        [
            ("记录人：{{ recorder }}", "日期："),
            ("主持人审核签署：{{ approved_by }}", "签署日期：{{ approved_on }}"),
        ],
    )
    note(doc, "分发：全体参会人员。依据：《市场营销中心会议管理制度》——纪要由主持人审核签署后分发。")
    return doc
