"""岗位说明书 tables of a .docx: label cells followed by their values.

A real form puts one or two fields on a row (``职位名称 | 销售部经理 | 所属部门 | 销售部``),
and long fields in a row of their own whose value cell holds numbered lines
(``岗位职责 | 1、… 2、…``).  A table is a job description when it has a title field
and at least one other field; any other table is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.model import JobDescription
from importers.anchors import slugify

_LABELS: dict[str, str] = {
    "职位名称": "title", "岗位名称": "title", "职务名称": "title",
    "所属部门": "department", "部门": "department", "部门名称": "department",
    "直接上级": "reports_to", "直接领导": "reports_to", "汇报对象": "reports_to",
    "直接下级": "subordinates", "下属岗位": "subordinates",
    "岗位职责": "responsibilities", "工作职责": "responsibilities", "主要职责": "responsibilities",
    "职责": "responsibilities", "工作内容": "responsibilities",
    "权限": "authorities", "职权": "authorities", "权利": "authorities",
    "任职资格": "qualifications", "任职条件": "qualifications", "任职要求": "qualifications",
    "岗位概要": "summary", "职位概要": "summary", "工作概要": "summary", "本职工作": "summary",
}  # fmt: skip
_ITEM_RE = re.compile(r"(?:^|(?<=[；;。\n]))\s*(?:\d{1,2}\s*[、.．]|[（(]\d{1,2}[)）]|[①-⑳])")
_LIST_SPLIT_RE = re.compile(r"[、，,；;/]")


def _label(cell: str) -> str | None:
    return _LABELS.get(re.sub(r"[\s：:]", "", cell))


def table_fields(rows: Sequence[Sequence[str]]) -> dict[str, str]:
    """Field name → value for every ``label | value`` pair of the rows (merged cells repeat: once)."""
    fields: dict[str, str] = {}
    for row in rows:
        cells = [c.strip() for c in row]
        i = 0
        while i < len(cells):
            name = _label(cells[i])
            value = next((c for c in cells[i + 1 :] if c and c != cells[i]), "")
            if name and value and _label(value) is None:
                fields.setdefault(name, value)
                i += 2
            else:
                i += 1
    return fields


def _items(text: str) -> tuple[str, ...]:
    parts = [p.strip() for p in _ITEM_RE.split(text) if p.strip()]
    if len(parts) <= 1:
        parts = [p.strip() for p in text.split("\n") if p.strip()]
    return tuple(parts)


def job_from_table(rows: Sequence[Sequence[str]], document_slug: str) -> JobDescription | None:
    """The job a 岗位说明书 table describes, or None for any other table."""
    fields = table_fields(rows)
    title = fields.get("title")
    if not title or len(fields) < 2:
        return None
    subordinates = tuple(p.strip() for p in _LIST_SPLIT_RE.split(fields.get("subordinates", "")) if p.strip())
    return JobDescription(
        title=title,
        slug=f"{document_slug}-{slugify(title)}",
        department=fields.get("department"),
        reports_to=fields.get("reports_to"),
        subordinates=tuple(s for s in subordinates if s not in ("无", "—")),
        summary=fields.get("summary"),
        responsibilities=_items(fields.get("responsibilities", "")),
        authorities=_items(fields.get("authorities", "")),
        qualifications=_items(fields.get("qualifications", "")),
        document_slug=document_slug,
    )


def rows_of_preamble(preamble: str) -> list[list[str]]:
    """A table before the first section arrives as ``a | b`` preamble lines: its rows again."""
    return [line.split(" | ") for line in preamble.split("\n") if " | " in line]
