"""The 表单 page of a release site: the standard forms and the clauses that ask for them.

The forms themselves are filled in the portal; the site lists what exists,
what each form asks for, and links each one to the clauses that require it.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain import urls
from domain.model import Document, FieldSpec, FormTemplate
from publishing.markdown.escaping import escape_cell, escape_inline
from publishing.markdown.front_matter import GENERATOR, PageInfo, front_matter

FORMS_FILE = urls.FORMS_PAGE.rstrip("/") + ".md"

TYPE_LABELS = {
    "text": "文字",
    "multiline": "多行文字",
    "date": "日期",
    "month": "月份",
    "time": "时间",
    "number": "数字",
    "money": "金额",
    "percent": "百分比",
    "choice": "选项",
    "person": "人员",
    "department": "部门",
    "table": "表格",
}


def _field_row(field: FieldSpec) -> str:
    kind = TYPE_LABELS.get(field.type, field.type)
    if field.choices:
        kind += "：" + "／".join(field.choices)
    required = "是" if field.required else ""
    cells = [field.label, kind, required, field.help]
    return "| " + " | ".join(escape_cell(c) for c in cells) + " |\n"


def _required_by(form: FormTemplate, documents: Sequence[Document]) -> str:
    by_slug = {d.slug: d for d in documents}
    links = []
    for ref in form.required_by:
        document = by_slug.get(ref.document_slug)
        if document is None:
            continue
        section = document.find(ref.anchor) if ref.anchor else None
        label = escape_inline(document.title + (f" {section.label}" if section else ""))
        anchor = f"#{ref.anchor}" if section else ""
        links.append(f"[{label}](<{urls.document_source_path(document)}{anchor}>)")
    return f"依据：{'；'.join(links)}。\n" if links else ""


def render_forms(forms: Sequence[FormTemplate], documents: Sequence[Document], info: PageInfo) -> str:
    meta = front_matter(
        {
            "title": "表单",
            "kind": "forms",
            "version": info.version,
            "effective": info.effective.isoformat() if info.effective else None,
            "generator": GENERATOR,
        }
    )
    blocks = ["# 表单\n"]
    if not forms:
        blocks.append("本版暂无标准表单。\n")
        return meta + "\n" + "\n".join(blocks)
    blocks.append("以下标准表单在门户中在线填写，并可导出为 Word 文件。\n")
    for form in forms:
        blocks.append(f"## {escape_inline(form.title)} {{#表单-{form.slug}}}\n")
        if form.description:
            blocks.append(f"{escape_inline(form.description)}\n")
        if why := _required_by(form, documents):
            blocks.append(why)
        header = "| 栏目 | 类型 | 必填 | 说明 |\n|---|---|---|---|\n"
        blocks.append(header + "".join(_field_row(f) for f in form.fields))
    return meta + "\n" + "\n".join(blocks)
