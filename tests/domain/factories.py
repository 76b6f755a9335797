"""Small builders for domain values, shared by the domain tests."""

from __future__ import annotations

from domain.model import Document, JobDescription, Section, SectionKind, SourceRef


def article(number: str, text: str, *children: Section, title: str = "") -> Section:
    return Section(
        level=2, number=number, title=title, text=text, kind=SectionKind.ARTICLE, anchor=number, children=children
    )


def chapter(number: str, title: str, *articles: Section) -> Section:
    return Section(level=1, number=number, title=title, text="", kind=SectionKind.CHAPTER, anchor=number, children=articles)


def meeting_rules(*, tenth: str = "会议纪要由主持人审核和签署。", extra: tuple[Section, ...] = ()) -> Document:
    return Document(
        slug="会议管理制度",
        title="会议管理制度",
        kind="regulation",
        preamble="",
        sections=(
            chapter("第一章", "总则", article("第一条", "为规范会议管理，特制定本制度。"), article("第二条", "本制度适用于营销中心。")),
            chapter("第二章", "会议纪要", article("第十条", tenth), *extra),
        ),
        source=SourceRef("seed.txt", "0" * 64),
        job_descriptions=(JobDescription(title="销售经理", slug="销售经理", responsibilities=("主持销售工作",)),),
    )
