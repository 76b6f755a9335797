"""A small handbook for the publishing tests: two regulations, items, a table and three jobs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from domain.model import Document, Handbook, JobDescription, Release, Section, SectionKind, SourceRef

HOSTILE = "<script>alert('x')</script> *星* _下_ `码` [链](http://e.x) {: #假 } | 竖线 & 符号 \\ 反斜杠"


def clause(number: str, text: str, *children: Section, level: int = 2, title: str = "") -> Section:
    return Section(level, number, title, text, SectionKind.ARTICLE, number, children)


def item(anchor: str, number: str, text: str, level: int = 3) -> Section:
    return Section(level, number, "", text, SectionKind.ITEM, anchor)


def chapter(number: str, title: str, *children: Section) -> Section:
    return Section(1, number, title, "", SectionKind.CHAPTER, number, children)


def meeting_rules(
    *,
    tenth: str = "会议纪要由主持人审核和签署，并于会后二日内分发。",
    eleventh: str | None = None,
    drop_second: bool = False,
) -> Document:
    first = chapter(
        "第一章",
        "总则",
        clause("第一条", "为规范营销中心会议管理，特制定本制度。"),
        *(() if drop_second else (clause("第二条", "本制度适用于营销中心全体人员。"),)),
        clause("第三条", HOSTILE),
    )
    second = chapter(
        "第二章",
        "会议纪要",
        clause(
            "第十条",
            tenth,
            item("第十条-1", "1.", "记录人整理纪要；"),
            item("第十条-2", "2.", "主持人审核签署。"),
        ),
        *((clause("第十一条", eleventh),) if eleventh else ()),
    )
    return Document(
        slug="meeting-rules",
        title="市场营销中心会议管理制度",
        kind="regulation",
        preamble="# 不是标题\n1. 不是列表",
        sections=(first, second),
        source=SourceRef("marketing-handbook.txt", "a" * 64, "0.1.0"),
    )


def jobs() -> tuple[JobDescription, ...]:
    return (
        JobDescription(
            "营销副总",
            "vp-marketing",
            "营销中心",
            "总经理",
            ("销售经理", "市场经理"),
            "全面负责营销工作。",
            ("制定营销计划", "审核<合同>"),
            ("审批费用",),
            ("本科以上学历",),
            "job-book",
        ),
        JobDescription(
            "销售经理", "sales-manager", "销售部", "营销副总", (), None, ("完成回款目标",), (), (), "job-book"
        ),
        JobDescription(
            '市场"经理"', "market-manager", "市场部", "营销副总", (), None, ("市场调研",), (), (), "job-book"
        ),
    )


def target_rules(*, table_note: str = "每月25日前") -> Document:
    return Document(
        slug="target-rules",
        title="营销中心目标管理制度",
        kind="regulation",
        preamble="",
        sections=(
            Section(
                1,
                "一、",
                "目标管理卡",
                "目标管理卡按月填写，严禁窜货。",
                SectionKind.HEADING,
                "一",
                tables=((("项目", "时间|期限"), ("提交目标", table_note)),),
            ),
        ),
        source=SourceRef("marketing-handbook.txt", "a" * 64, "0.1.0"),
    )


def job_book() -> Document:
    return Document(
        slug="job-book",
        title="营销中心岗位说明书",
        kind="job-descriptions",
        preamble="",
        sections=(),
        source=SourceRef("marketing-handbook.txt", "a" * 64, "0.1.0"),
        job_descriptions=jobs(),
    )


def small_handbook() -> Handbook:
    return Handbook((meeting_rules(), target_rules(), job_book()))


def first_release() -> Release:
    return Release("2026.1", "2026 年第一版", dt.date(2026, 1, 1), small_handbook().documents)


def second_release() -> Release:
    """An edited copy: 第十条 changed, 第十一条 added, 第二条 removed, a width-only edit in 第一条."""
    meeting = meeting_rules(
        tenth="会议纪要由记录人整理，主持人审核和签署，并于会后三日内分发。",
        eleventh="会议纪要应当归档保存三年。",
        drop_second=True,
    )
    first_chapter = meeting.sections[0]
    widened = replace(first_chapter.children[0], text="为规范营销中心会议管理, 特制定本制度 。")
    meeting = replace(
        meeting,
        sections=(
            replace(first_chapter, children=(widened, *first_chapter.children[1:])),
            meeting.sections[1],
        ),
    )
    return Release("2026.2", "2026 年第二版", dt.date(2026, 7, 1), (meeting, target_rules(), job_book()))
