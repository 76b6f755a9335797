"""Roles named outside a duty list, and the department and superior of every role.

Pure functions over a document's outline and the jobs :mod:`importers.jobs` found in it.
Real handbooks name roles in four more places than a duty list:

* an org-structure line, the boxes of a chart flattened into one run of names
  (``营销管理中心市场部经理物流部 电子商务营销总监销售部经理…市场调研主管``);
* the numbered items of an organisation / 岗位设置 section (``2. 营销总监营销总监是…``,
  ``销售代表的编制人数…``, ``设立总经理一职``, ``设主任一名，副主任若干名``);
* an enumeration in a scope or organisation clause (``指导营销总监、跟单主任、跟单员和业务员的工作``);
* a sentence that says who leads whom (``在公司总经理会的直接领导下，主要由营销总监…``).

A field the text gives always wins; everything else is an inference, and each one is
recorded on the job (``JobDescription.inferred``) so the import report can list it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from domain.model import Document, JobDescription, Section
from importers.anchors import slugify

# Role shapes, longest first; each is tried anchored at a position of an org-structure line.
_ROLE_SHAPES = (
    r"副?总经理",
    r"[\u4e00-\u9fff]{1,4}部(?:副总|总监|经理)",
    r"[\u4e00-\u9fff]{2}(?:总监|副总)",
    r"[\u4e00-\u9fff]{2,4}主管",
    r"[\u4e00-\u9fff]{2}(?:经理|主任|专员|文员|策划|代表|接待|助理|秘书|出纳|会计)",
    r"[A-Z]{0,4}[\u4e00-\u9fff]{2}员",
    r"副?主任",
)
_ROLE_AT = re.compile("|".join(f"(?:{shape})" for shape in _ROLE_SHAPES))
_ROLE_WORD = re.compile("^(?:" + "|".join(f"(?:{shape})" for shape in _ROLE_SHAPES) + ")$")
_UNIT_RE = re.compile(r"[\u4e00-\u9fff]{2}管理中心|[\u4e00-\u9fff]{2}中心")
# Words of a chart's caption, not boxes: removed before the role names are read.
_CAPTION_RE = re.compile(r"(?:内部)?(?:管理|组织)?(?:架构|结构)图?")
_TITLE_UNIT_RE = re.compile(
    r"[\u4e00-\u9fff]{2}管理中心|[\u4e00-\u9fff]{2}中心|[\u4e00-\u9fff]{2,4}?部(?!门)"
)
# A section heading glued to the sentence after it (岗位设置人事主管的…): not part of a role name.
_GLUED_HEADING_RE = re.compile(r"岗位设[置臵]|组织架构|组织机构|机构设置|职责分工")
_ORG_SECTION_RE = re.compile(r"组织|架构|机构|岗位设[置臵]|职务体系")
_SCOPE_SECTION_RE = re.compile(r"适用范围|体系")
_SUBJECT_RE = re.compile(r"^(?P<role>[\u4e00-\u9fff]{2,6}?)(?:兼|的编制|是|作为|负责|由)")
_POST_RE = re.compile(
    r"(?:设立?|实行|[，,、])(?P<role>[\u4e00-\u9fff]{2,6}?)(?:一职|一名|若干名|[0-9一二三四五六七八九十]+名|与|负责制)"
)
_ENUMERATION_RE = re.compile(r"(?:指导|包括|由)(?P<list>[\u4e00-\u9fff、和及]{5,60}?)(?:的工作|等|组成)")
_LED_BY_RE = re.compile(
    r"在(?:公司)?(?P<superior>[\u4e00-\u9fff]{2,6}?)会?的(?:直接)?领导下[，,]?(?:主要)?由(?P<role>[\u4e00-\u9fff]{2,6}?)(?:来|负责|统一)"
)
_ROLE_NAME = r"[A-Z]{0,4}[\u4e00-\u9fff]{2,12}?"
_SENTENCE_SUPERIOR_RE = re.compile(
    rf"(?P<role>{_ROLE_NAME})的?直接上级(?:为|是|：|:)\s*(?P<superior>{_ROLE_NAME})(?=[，,；;。]|直接下级|$)"
)
_SENTENCE_SUBORDINATES_RE = re.compile(
    r"直接下级(?:为|是|包括|：|:)\s*(?P<list>[\u4e00-\u9fffA-Z、和及]+?)(?=[，,；;。]|$)"
)
_HEAD_DUTY_RE = re.compile(r"整体管理|全面管理|全面工作|全面负责")
_RANKS = (("总经理", 0), ("总裁", 0), ("副总", 1), ("总监", 1), ("部经理", 2), ("部副总", 1))
_CENTRE_HEAD = "负责人"
_ORG_LINE_WHY = "组织架构图中的岗位"


@dataclass(frozen=True)
class NamedRole:
    """A role named somewhere in a document, with what that place says about it."""

    title: str
    superior: str | None = None
    why: str = ""  # how the role was found, for the report
    subordinates: tuple[str, ...] = ()


def roles_in_line(text: str) -> list[str]:
    """The role names of an org-structure line, in order; units and other words are skipped."""
    text = _CAPTION_RE.sub(" ", _UNIT_RE.sub(" ", text))
    names: list[str] = []
    position = 0
    while position < len(text):
        match = _ROLE_AT.match(text, position)
        if match is None:
            position += 1
            continue
        names.append(match.group(0))
        position = match.end()
    return list(dict.fromkeys(names))


def is_org_line(text: str) -> bool:
    """A flattened chart: no sentence punctuation and at least four role names."""
    return not re.search(r"[。，；：,;:]", text) and len(roles_in_line(text)) >= 4


def rank(title: str) -> int | None:
    """0 = head of the company, 1 = head of a centre, 2 = head of a department, 3 = the rest."""
    for suffix, value in sorted(_RANKS, key=lambda item: -len(item[0])):
        if title.endswith(suffix):
            return value
    return 3 if _ROLE_WORD.match(title) else None


def _stem(title: str) -> str:
    return title[:2]


def superiors_by_rank(names: Sequence[str]) -> dict[str, str]:
    """Who leads whom in an org-structure line, from rank and shared stem (市场调研主管 → 市场部经理).

    A department head takes the one centre head of the line; a role below takes the
    department head whose name starts like its own.  No guess where two would fit.
    """
    ranked = {name: rank(name) for name in names}
    out: dict[str, str] = {}
    for name, level in ranked.items():
        if level is None or level == 0:
            continue
        above = [n for n, r in ranked.items() if r is not None and r < level]
        if not above:
            continue
        nearest = max(r for n, r in ranked.items() if n in above and r is not None)
        candidates = [n for n in above if ranked[n] == nearest]
        same_stem = [n for n in candidates if _stem(n) == _stem(name)]
        if len(same_stem) == 1:
            out[name] = same_stem[0]
        elif len(candidates) == 1 and level <= 2:
            out[name] = candidates[0]
    return out


def _walk(sections: Iterable[Section]) -> Iterable[Section]:
    for section in sections:
        yield from section.walk()


def _head(section: Section) -> str:
    return "：".join(p for p in (section.title, section.text) if p)


def named_roles(sections: Sequence[Section], preamble: str) -> list[NamedRole]:
    """Roles named in org-structure lines, organisation sections, scope enumerations and sentences."""
    found: list[NamedRole] = []
    texts = [text for s in _walk(sections) for text in (s.title, s.text)]
    lines = [line for text in (preamble, *texts) for line in text.split("\n")]
    for line in lines:
        for piece in re.split(r"[一二三四五六七八九十]+、|第[一二三四五六七八九十]+章", line):
            if is_org_line(piece.strip()):
                names = roles_in_line(piece)
                superiors = superiors_by_rank(names)
                found += [NamedRole(n, superiors.get(n), _ORG_LINE_WHY) for n in names]
    for section in _walk(sections):
        if _ORG_SECTION_RE.search(section.title):
            found += _roles_in_org_section(section)
        if _SCOPE_SECTION_RE.search(section.title):
            found += _roles_in_enumeration(section.text)
        found += roles_in_sentences(section.text)
        for match in _LED_BY_RE.finditer(section.text):
            role, superior = match.group("role"), match.group("superior")
            if _ROLE_WORD.match(role):
                found.append(NamedRole(role, superior, f"句中写明由{superior}领导"))
    return found


def is_role_name(text: str) -> bool:
    return bool(_ROLE_WORD.match(text))


def _role_suffix(text: str) -> str | None:
    """The longest tail of ``text`` that is a role name (岗位设置人事主管 → 人事主管)."""
    return next((text[i:] for i in range(len(text) - 1) if _ROLE_WORD.match(text[i:])), None)


def roles_in_sentences(text: str) -> list[NamedRole]:
    """``销售主管的直接上级为销售部经理，直接下级为销售代表、置业顾问。``"""
    out: list[NamedRole] = []
    text = _GLUED_HEADING_RE.sub("，", text)
    for match in _SENTENCE_SUPERIOR_RE.finditer(text):
        role, superior = _role_suffix(match.group("role")), match.group("superior")
        if not (role and _ROLE_WORD.match(superior)):
            continue
        rest = _SENTENCE_SUBORDINATES_RE.search(text, match.end(), match.end() + 40)
        subordinates = tuple(p for p in re.split(r"[、和及]", rest.group("list")) if p) if rest else ()
        out.append(NamedRole(role, superior, "句中写明直接上级", subordinates))
    return out


def _roles_in_org_section(section: Section) -> list[NamedRole]:
    """Numbered items of an organisation section whose subject or title is a role."""
    out: list[NamedRole] = []
    heads: dict[str, str] = {}  # unit → the role that is its 负责人
    for child in (section, *section.children):
        texts = [t for t in (child.title, child.text) if t]
        for text in texts:
            for match in (_SUBJECT_RE.match(text), *_POST_RE.finditer(text)):
                if match is None:
                    continue
                role = match.group("role")
                if not _ROLE_WORD.match(role):
                    continue
                superior = None
                if (unit := re.search(r"是([\u4e00-\u9fff]{2,6}?)的?副" + _CENTRE_HEAD, text)) and unit.group(
                    1
                ) in heads:
                    superior = heads[unit.group(1)]
                elif unit := re.search(r"([\u4e00-\u9fff]{2}中心)的?" + _CENTRE_HEAD, text):
                    heads.setdefault(unit.group(1), role)
                out.append(NamedRole(role, superior, f"「{section.title}」中列出的岗位"))
    return out


def _roles_in_enumeration(text: str) -> list[NamedRole]:
    out: list[NamedRole] = []
    for match in _ENUMERATION_RE.finditer(text):
        items = [p for p in re.split(r"[、和及]", match.group("list")) if p]
        if len(items) >= 2 and all(_ROLE_WORD.match(p) for p in items):
            out += [NamedRole(p, None, "适用范围中列出的岗位") for p in items]
    return out


def document_unit(title: str, sections: Sequence[Section]) -> str | None:
    """The unit a document is about: from its title, else the first centre its text names."""
    if match := _TITLE_UNIT_RE.search(title):
        return match.group(0)
    for section in _walk(sections):
        if match := _UNIT_RE.search(section.text):
            return match.group(0)
    return None


def _department_of_name(title: str) -> str | None:
    if match := re.match(r"^([\u4e00-\u9fff]{1,3}部)(?:副总|总监|经理)$", title):
        return match.group(1)
    return None


def _heads_of_staff_lists(sections: Sequence[Section], titles: set[str]) -> dict[str, str]:
    """In a 岗位设置 list of role paragraphs, the role that runs the whole unit leads the others."""
    out: dict[str, str] = {}
    for section in _walk(sections):
        if not _ORG_SECTION_RE.search(section.title):
            continue
        roles = [
            (m.group(1), child.text)
            for child in section.children
            if (m := re.match(r"^([\u4e00-\u9fff]{2,8}?)(?:的)?职责", child.text))
        ]
        roles = [(r, t) for r, t in roles if r in titles]
        heads = [r for r, text in roles if _HEAD_DUTY_RE.search(text)]
        if len(heads) == 1:
            out.update({r: heads[0] for r, _ in roles if r != heads[0]})
    return out


def _superiors_in_document(titles: Sequence[str]) -> dict[str, str]:
    """Within one document: 副主任 → 主任, and 销售主管 → 销售部经理 (same stem, one rank up)."""
    out: dict[str, str] = {}
    for title in titles:
        if title.startswith("副") and title[1:] in titles:
            out[title] = title[1:]
    for title, superior in superiors_by_rank(titles).items():
        if _stem(title) == _stem(superior) and title not in out:
            out[title] = superior
    return out


def _known_as(title: str, known: Iterable[str]) -> str:
    """The name a role already has in this document: a chart's 营销部副总 is the 营销副总 described."""
    short = title.replace("部副总", "副总")
    return next((t for t in known if t.replace("部副总", "副总") == short), title)


def _inferred(
    job: JobDescription, *, note: str, reports_to: str | None = None, department: str | None = None
) -> JobDescription:
    """``job`` with a superior or department it did not state, and the note saying why."""
    return replace(
        job,
        reports_to=reports_to or job.reports_to,
        department=department or job.department,
        inferred=(*job.inferred, note),
    )


def complete_jobs(
    jobs: Sequence[JobDescription],
    sections: Sequence[Section],
    *,
    preamble: str,
    document_title: str,
    document_slug: str,
    document_department: str | None,
) -> tuple[JobDescription, ...]:
    """Jobs for every named role, and the department and superior of each, inferences recorded."""
    by_title: dict[str, JobDescription] = {job.title: job for job in jobs}
    for named in named_roles(sections, preamble):
        title = _known_as(named.title, by_title)
        job = by_title.get(title) or JobDescription(
            title=title, slug=f"{document_slug}-{slugify(title)}", document_slug=document_slug,
            inferred=(f"岗位：{named.why}",),
        )  # fmt: skip
        superior = named.superior and _known_as(named.superior, by_title)
        if not job.reports_to and superior and superior != title:
            job = _inferred(job, reports_to=superior, note=f"直接上级「{superior}」：{named.why}")
        if named.subordinates and not job.subordinates:
            job = replace(job, subordinates=named.subordinates)
        by_title[title] = job
    heads = {
        t: (h, "岗位设置中负责整体管理的岗位")
        for t, h in _heads_of_staff_lists(sections, set(by_title)).items()
    }
    for t, h in _superiors_in_document(list(by_title)).items():
        heads.setdefault(t, (h, "同一文档中名称相近的上一级岗位"))
    unit = document_unit(document_title, sections)
    out: dict[str, JobDescription] = {}
    for title, job in by_title.items():
        if not job.reports_to and title in heads:
            superior, why = heads[title]
            job = _inferred(job, reports_to=superior, note=f"直接上级「{superior}」：{why}")
        out[title] = job
    for title, job in list(out.items()):
        out[title] = _with_department(job, out, document_department, unit)
    return tuple(out.values())


def _with_department(
    job: JobDescription, jobs: dict[str, JobDescription], document_department: str | None, unit: str | None
) -> JobDescription:
    if job.department:
        return job
    superior = jobs.get(job.reports_to or "")
    candidates = (
        (_department_of_name(job.title), "岗位名称"),
        (
            superior and _stem(superior.title) == _stem(job.title) and _department_of_name(superior.title),
            "直接上级所在部门",
        ),
        (document_department, "文档中的部门名称"),
        (unit, "文档标题或正文所说的单位"),
    )
    for department, why in candidates:
        if department:
            return _inferred(job, department=department, note=f"部门「{department}」：{why}")
    return job


def fill_superiors_across(documents: Sequence[Document]) -> list[Document]:
    """A superior an org chart gives in one document applies to the same role in another.

    Only superiors read from a field or an org-structure line travel, and only when
    all of them agree for that title.
    """
    known: dict[str, set[str]] = {}
    for document in documents:
        for job in document.job_descriptions:
            guessed = any(n.startswith("直接上级") and _ORG_LINE_WHY not in n for n in job.inferred)
            if job.reports_to and not guessed:
                known.setdefault(job.title, set()).add(job.reports_to)
    out: list[Document] = []
    for document in documents:
        jobs = []
        for job in document.job_descriptions:
            superiors = known.get(job.title, set()) - {job.title}
            if not job.reports_to and len(superiors) == 1:
                (superior,) = superiors
                note = f"直接上级「{superior}」：其他文档的组织架构或岗位说明"
                job = _inferred(job, reports_to=superior, note=note)
            jobs.append(job)
        out.append(replace(document, job_descriptions=tuple(jobs)))
    return out
