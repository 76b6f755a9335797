"""Job descriptions (岗位说明书) found in a document's outline.

Three shapes occur in real handbooks, wherever in a document:

* a labelled heading ``职位名称：销售部经理`` whose numbered children are duties;
* a ``◇营销副总直接上级：总经理直接下级：…本职工作：…责任：`` paragraph of
  labelled fields, duties numbered after it;
* a role paragraph or heading ``案场经理职责：负责…`` (also ``…任职资格``,
  ``…权限``), merged by role within the document.

Fields are read by their labels (直接上级, 直接下级, 本职工作, 职责/责任,
权利/权限, 任职资格/素质要求, 部门); a department named once for the whole
document (``部门名称：营销中心``) applies to its jobs that name none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from domain.model import JobDescription, Section
from importers import jobs_org, jobs_tables
from importers.anchors import slugify

FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("职位名称", "岗位名称"),
    "reports_to": ("直接上级", "直接领导", "上级主管", "汇报对象"),
    "subordinates": ("直接下级", "下属岗位", "下级"),
    "summary": ("本职工作", "工作概要", "职位概要", "岗位概要", "岗位概述", "职位目的"),
    "responsibilities": ("主要职责", "岗位职责", "工作职责", "职责", "责任", "工作内容"),
    "authorities": ("权利", "权限", "职权", "权力"),
    "qualifications": ("任职资格", "任职条件", "素质要求", "资格要求", "任职要求"),
    "department": ("所属部门", "部门名称", "部门"),
}
_LABEL_TO_FIELD = {label: name for name, labels in FIELD_LABELS.items() for label in labels}
_LABEL_RE = re.compile("(" + "|".join(sorted(_LABEL_TO_FIELD, key=len, reverse=True)) + r")\s*[：:]")
_TITLE_LABEL_RE = re.compile(r"^(?:职位名称|岗位名称)\s*[：:]\s*(?P<title>[^\s，。；：:,;]{2,20})")
_ROLE_SUFFIXES = (
    "经理",
    "主管",
    "总监",
    "专员",
    "助理",
    "主任",
    "顾问",
    "文员",
    "秘书",
    "代表",
    "副总",
    "总裁",
    "组长",
    "督导",
    "策划",
    "置业顾问",
    "人员",
)
_ROLE_FIELD_RE = re.compile(
    r"^(?P<role>[\u4e00-\u9fffA-Za-z]{2,12}?)(?:的)?"
    r"(?P<label>岗位职责|工作职责|职责|素质要求|任职资格|任职条件|权利|权限|职权)\s*[：:]?\s*(?P<rest>.*)$",
    re.DOTALL,
)
_ROLE_FIELD_NAMES = {
    "岗位职责": "responsibilities", "工作职责": "responsibilities", "职责": "responsibilities",
    "素质要求": "qualifications", "任职资格": "qualifications", "任职条件": "qualifications",
    "权利": "authorities", "权限": "authorities", "职权": "authorities",
}  # fmt: skip
_BULLET = "◇◆"
_ITEM_SPLIT_RE = re.compile(r"(?:^|(?<=[；;。]))\s*(?:\d{1,2}\s*[、.．]|[（(]\d{1,2}[)）]|[①-⑳])")
_LIST_SPLIT_RE = re.compile(r"[、，,；;/]|及|和")
_DEPARTMENT_RE = re.compile(
    r"(?:部门名称|所属部门)\s*[：:]\s*(?P<name>[^\s，。；：:,;]{2,12}?)(?=直接|主要|工作|[，。；：:,;]|$)"
)
_LIST_FIELDS = ("responsibilities", "authorities", "qualifications")


@dataclass
class _Draft:
    """A job being read; several passages may add to it (same role, same document)."""

    title: str
    fields: dict[str, str | None] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in _LIST_FIELDS})
    subordinates: list[str] = field(default_factory=list)

    def is_useful(self) -> bool:
        return any(self.lists.values()) or any(self.fields.values()) or bool(self.subordinates)


@dataclass(frozen=True)
class FoundJobs:
    jobs: tuple[JobDescription, ...]
    consumed: frozenset[str]  # anchors of the sections that make up the jobs


def extract_jobs(
    sections: Sequence[Section], document_slug: str, *, preamble: str = "", document_title: str = ""
) -> FoundJobs:
    """Every job description in the outline, in reading order, then roles named elsewhere.

    Department and superior come from the fields, else :mod:`importers.jobs_org` infers
    them (section, document, org-structure text) and records each inference on the job.
    """
    drafts: dict[str, _Draft] = {}
    consumed: set[str] = set()
    for section in _walk(sections):
        if section.anchor in consumed:
            continue
        used = _read_section(section, drafts)
        if used:
            consumed.update(s.anchor for s in section.walk())
    department = _document_department(sections)
    jobs = tuple(_finish(draft, document_slug) for draft in drafts.values() if draft.is_useful())
    tabled, tabled_in = _table_jobs(sections, preamble, document_slug, {job.title for job in jobs})
    jobs, consumed = (*jobs, *tabled), consumed | tabled_in
    jobs = jobs_org.complete_jobs(
        jobs,
        sections,
        preamble=preamble,
        document_title=document_title or document_slug,
        document_slug=document_slug,
        document_department=department,
    )
    return FoundJobs(jobs, frozenset(consumed))


def _table_jobs(
    sections: Sequence[Section], preamble: str, document_slug: str, known: set[str]
) -> tuple[list[JobDescription], set[str]]:
    """岗位说明书 tables (importers.jobs_tables); the sections holding them count as job text."""
    found: list[JobDescription] = []
    used: set[str] = set()
    tables: list[tuple[str | None, Sequence[Sequence[str]]]] = [
        (None, jobs_tables.rows_of_preamble(preamble))
    ]
    tables += [(section.anchor, table) for section in _walk(sections) for table in section.tables]
    for anchor, rows in tables:
        job = jobs_tables.job_from_table(rows, document_slug)
        if job is None or job.title in known:
            continue
        known.add(job.title)
        found.append(job)
        if anchor is not None:
            used.add(anchor)
    return found, used


def _walk(sections: Iterable[Section]) -> Iterable[Section]:
    for section in sections:
        yield from section.walk()


def _read_section(section: Section, drafts: dict[str, _Draft]) -> bool:
    head = (
        f"{section.title}：{section.text}"
        if section.title and section.text
        else section.title or section.text
    )
    if match := _TITLE_LABEL_RE.match(head):
        draft = drafts.setdefault(match.group("title"), _Draft(match.group("title")))
        last_field = _read_fields(head[match.end() :], draft)
        _take_children(section, draft, last_field if last_field in _LIST_FIELDS else "responsibilities")
        return True
    if any(bullet in section.text for bullet in _BULLET):
        return _read_bulleted(section, drafts)
    if _is_role_heading(section):
        draft = drafts.setdefault(section.title, _Draft(section.title))
        _take_children(section, draft, "responsibilities")
        return True
    if (clause := _role_clause(section)) is not None:
        draft = drafts.setdefault(clause.title, _Draft(clause.title))
        draft.fields["reports_to"] = clause.superior
        draft.subordinates.extend(clause.subordinates)
        _take_children(section, draft, "responsibilities")
        return True
    if match := _ROLE_FIELD_RE.match(head):
        role = match.group("role")
        if not role.endswith(_ROLE_SUFFIXES):
            return False
        draft = drafts.setdefault(role, _Draft(role))
        name = _ROLE_FIELD_NAMES[match.group("label")]
        rest = match.group("rest").strip()
        if rest:
            draft.lists[name].extend(_split_items(rest))
        _take_children(section, draft, name)
        return True
    return False


def _is_role_heading(section: Section) -> bool:
    """``二、市场调研主管`` over numbered duties: a role named only by the heading of its duty block."""
    return (
        not section.text
        and jobs_org.is_role_name(section.title)
        and len(section.children) >= 2
        and all(child.text and not child.children for child in section.children)
    )


def _role_clause(section: Section) -> jobs_org.NamedRole | None:
    """``第三条 行政部经理 直接上级为总经理，直接下级为…。其职责是：`` over numbered duties: a clause
    that opens with a role and its superior in a sentence, its items the role's duties."""
    if not section.children or not all(child.text for child in section.children):
        return None
    head = re.sub(r"\s+", "", _head(section))
    roles = jobs_org.roles_in_sentences(head)
    if not roles or not head.startswith(roles[0].title):
        return None
    return roles[0]


def _head(section: Section) -> str:
    return "：".join(p for p in (section.title, section.text) if p)


def _read_bulleted(section: Section, drafts: dict[str, _Draft]) -> bool:
    """``◇营销副总直接上级：总经理…责任：`` chunks; the last one takes the numbered children."""
    pattern = "[" + _BULLET + "]"
    chunks = re.split(pattern, section.text)[1:]
    found = False
    for index, chunk in enumerate(chunks):
        label = _LABEL_RE.search(chunk)
        if label is None or label.start() < 2:
            continue
        title = chunk[: label.start()].strip()
        draft = drafts.setdefault(title, _Draft(title))
        last_field = _read_fields(chunk[label.start() :], draft)
        if index == len(chunks) - 1:
            _take_children(section, draft, last_field if last_field in _LIST_FIELDS else "responsibilities")
        found = True
    return found


def _read_fields(text: str, draft: _Draft) -> str:
    """Read ``label：value`` pairs into the draft; return the last field's name."""
    matches = list(_LABEL_RE.finditer(text))
    last = ""
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip().strip("，,；;")
        name = _LABEL_TO_FIELD[match.group(1)]
        last = name
        if not value:
            continue
        if name in _LIST_FIELDS:
            draft.lists[name].extend(_split_items(value))
        elif name == "subordinates":
            draft.subordinates.extend(p.strip() for p in _LIST_SPLIT_RE.split(value) if p.strip())
        elif name != "title":
            draft.fields[name] = value
    return last


def _take_children(section: Section, draft: _Draft, name: str) -> None:
    """Every entry below ``section``; a heading over sub-entries is a group label, not an entry."""
    for child in section.children:
        for node in child.walk():
            if node.children and not node.text:
                continue
            entry = "：".join(p for p in (node.title, node.text) if p)
            if entry:
                draft.lists[name].append(entry)


def _split_items(text: str) -> list[str]:
    items = [p.strip() for p in _ITEM_SPLIT_RE.split(text) if p.strip()]
    return items or [text]


def _document_department(sections: Sequence[Section]) -> str | None:
    for section in _walk(sections):
        for text in (section.title, section.text):
            if match := _DEPARTMENT_RE.search(text):
                return match.group("name")
    return None


def _finish(draft: _Draft, document_slug: str) -> JobDescription:
    reports_to = draft.fields.get("reports_to")
    return JobDescription(
        title=draft.title,
        slug=f"{document_slug}-{slugify(draft.title)}",
        department=draft.fields.get("department"),
        reports_to=reports_to,
        subordinates=tuple(draft.subordinates),
        summary=draft.fields.get("summary"),
        responsibilities=tuple(draft.lists["responsibilities"]),
        authorities=tuple(draft.lists["authorities"]),
        qualifications=tuple(draft.lists["qualifications"]),
        document_slug=document_slug,
    )
