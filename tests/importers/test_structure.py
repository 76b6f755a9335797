"""Structure recovery on small texts: outlines, titles, anchors, warnings, Word blocks."""

from __future__ import annotations

from domain.model import Document, Section, SectionKind, SourceRef
from importers.blocks import Block
from importers.structure import recover

SOURCE = SourceRef("t.txt", "0" * 64)


def _recover(*lines: str) -> list[Document]:
    blocks = [Block(text, f"t.txt:{i}") for i, text in enumerate(lines, 1)]
    return recover(blocks, SOURCE).value


def _one(*lines: str) -> Document:
    documents = _recover(*lines)
    assert len(documents) == 1
    return documents[0]


def _outline(document: Document) -> list[tuple[int, str, str]]:
    return [(s.level, s.number, s.title) for s in document.walk()]


def _find(document: Document, anchor: str) -> Section:
    section = document.find(anchor)
    assert section is not None, anchor
    return section


def test_glued_chapter_and_article_headings_are_split() -> None:
    document = _one(
        "案场规章制度",
        "第一章总则第一条为规范管理和维护案场的秩序，制定本规章制度。",
        "第二条本制度适用于所有人员。",
    )
    assert _outline(document) == [(1, "第一章", "总则"), (2, "第一条", ""), (2, "第二条", "")]
    assert _find(document, "第一条").text == "为规范管理和维护案场的秩序，制定本规章制度。"


def test_glued_heading_and_body_are_split_by_the_table_of_contents() -> None:
    document = _one(
        "机构设置手册",
        "目录一、背景及目的-----第3页二、部门职能-----第3页一、背景及目的为了完善管理体系，特制定本手册。",
        "二、部门职能营销管理中心是公司的营销业务专门管理部门。",
    )
    assert _outline(document) == [(1, "一、", "背景及目的"), (1, "二、", "部门职能")]
    assert _find(document, "二").text == "营销管理中心是公司的营销业务专门管理部门。"


def test_table_of_contents_is_dropped_and_reported() -> None:
    result = recover(
        [
            Block("营销管理手册", "t:1"),
            Block("目录第一章组织机构第二章人员聘用第一章组织机构1.营销部实行经理负责制。", "t:2"),
        ],
        SOURCE,
    )
    assert any(d.text == "目录第一章组织机构第二章人员聘用" for d in result.dropped)
    assert _outline(result.value[0]) == [(1, "第一章", "组织机构"), (2, "1.", "")]


def test_heading_ended_by_its_first_item_keeps_a_title() -> None:
    document = _one(
        "会议管理制度", "二、会议的目的1.统一部署：通过会议传达战略目标。", "2.沟通信息：及时交流。"
    )
    # The items' labels are run-in titles (issue 10, D2): siblings share the ``label：`` pattern.
    assert _outline(document) == [(1, "二、", "会议的目的"), (2, "1.", "统一部署"), (2, "2.", "沟通信息")]
    assert _find(document, "二-1").text == "通过会议传达战略目标。"


def test_repeated_words_mark_the_end_of_a_glued_title() -> None:
    document = _one("市场部管理制度", "第4条市场部主要职能市场部主要职能包括以下几个方面。")
    assert _find(document, "第四条").title == "市场部主要职能"


def test_clause_opening_words_mark_the_end_of_a_glued_title() -> None:
    document = _one(
        "管理制度", "一、总则为规范营销中心案场管理行为，特制定本制度。", "二、管理范围本制度适用于所有案场。"
    )
    assert [(s.title, s.text[:3]) for s in document.walk()] == [("总则", "为规范"), ("管理范围", "本制度")]


def test_plain_clause_has_no_title() -> None:
    document = _one("管理制度", "第七条营销中心应建立客户管理系统，对客户信息进行有效收集。")
    section = _find(document, "第七条")
    assert (section.title, section.kind) == ("", SectionKind.ARTICLE)
    assert section.text.startswith("营销中心应建立")


def test_items_inside_one_line_are_split_at_the_expected_next_number() -> None:
    document = _one("管理制度", "三、管理目标1.规范案场管理行为；2.提高案场服务质量；3.促进销售业绩增长。")
    assert [s.number for s in document.walk()] == ["三、", "1.", "2.", "3."]


def test_references_to_other_articles_are_not_headings() -> None:
    document = _one(
        "管理制度",
        "第一条为规范管理，制定本制度。",
        "第二条违反本制度第一条规定的，依照第三条处理。",
        "第三条本制度自发布之日起施行。",
    )
    assert [s.number for s in document.walk()] == ["第一条", "第二条", "第三条"]
    assert "依照第三条处理" in _find(document, "第二条").text


def test_levels_follow_the_order_in_which_systems_appear() -> None:
    document = _one(
        "管理制度",
        "五、案场管理规范1.案场环境（1）案场要保持整洁；（2）布置要合理。",
        "2.案场服务（1）提供热情的服务。",
        "六、案场管理考核",
    )
    assert _outline(document) == [
        (1, "五、", "案场管理规范"),
        (2, "1.", "案场环境"),
        (3, "（1）", ""),
        (3, "（2）", ""),
        (2, "2.", "案场服务"),
        (3, "（1）", ""),
        (1, "六、", "案场管理考核"),
    ]


def test_a_major_system_closes_minor_ones_even_when_it_appears_later() -> None:
    document = _one(
        "目标管理制度",
        "总则",
        "1、目的意义",
        "为了实现经营目标，特制订本制度。",
        "一、制订目标的依据",
        "1、公司下达的销售目标。",
    )
    assert _outline(document) == [
        (1, "", "总则"),
        (2, "1、", "目的意义"),
        (1, "一、", "制订目标的依据"),
        (2, "1、", ""),
    ]


def test_decimal_numbers_nest_under_their_parent_number() -> None:
    document = _one(
        "目标管理制度", "3、基本定义", "3.1企业的目标是战略目标。", "3.2本制度定义长期目标。", "4、职责分工"
    )
    assert _outline(document) == [
        (1, "3、", "基本定义"),
        (2, "3.1", ""),
        (2, "3.2", ""),
        (1, "4、", "职责分工"),
    ]
    assert _find(document, "3-1").text == "企业的目标是战略目标。"


def test_article_anchors_use_chinese_numerals_whatever_the_source() -> None:
    document = _one(
        "管理制度", "第1章总则", "第1条目的为规范管理，制定本制度。", "第10条本制度自发布之日起施行。"
    )
    assert [s.anchor for s in document.walk()] == ["第一章", "第一条", "第十条"]


def test_inserted_article_keeps_its_own_anchor() -> None:
    document = _one(
        "管理制度",
        "第十条本制度由人事部解释。",
        "第十条之一本条为新增条款。",
        "第十一条本制度自发布之日起施行。",
    )
    assert [s.anchor for s in document.walk()] == ["第十条", "第十条之一", "第十一条"]
    assert not any("不连续" in w for w in document.warnings)


def test_section_anchor_includes_its_chapter() -> None:
    document = _one("管理制度", "第二章市场部", "第一节市场部职能", "第二节各岗位职责")
    assert [s.anchor for s in document.walk()] == ["第二章", "第二章第一节", "第二章第二节"]


def test_item_anchors_extend_their_parent_anchor() -> None:
    document = _one(
        "管理制度",
        "第五条各部门职责：1.市场部负责调研。2.销售部负责销售。",
        "三、其他规定",
        "1.本制度由人事部解释。",
    )
    assert [s.anchor for s in document.walk()] == [
        "第五条",
        "第五条-1",
        "第五条-2",
        "第五条-三",
        "第五条-三-1",
    ]


def test_top_level_item_anchor_is_its_bare_number() -> None:
    document = _one("管理制度", "二、工作任务1.制定年度计划。", "三、其他规定", "1.本制度由人事部解释。")
    assert [s.anchor for s in document.walk()] == ["二", "二-1", "三", "三-1"]


def test_anchors_are_the_same_on_every_import() -> None:
    lines = (
        "管理制度",
        "第一章总则第一条为规范管理，制定本制度。",
        "第二条本制度适用于全体员工。",
        "一、附则1.本制度自发布之日起施行。",
    )
    assert [s.anchor for s in _one(*lines).walk()] == [s.anchor for s in _one(*lines).walk()]


def test_numbering_gap_is_reported_as_a_warning() -> None:
    document = _one(
        "管理制度",
        "第一条为规范管理，制定本制度。",
        "第三条本制度适用于全体员工。",
        "第五条本制度自发布之日起施行。",
    )
    assert [s.number for s in document.walk()] == ["第一条", "第三条", "第五条"]
    assert any("第一条" in w and "第三条" in w for w in document.warnings)
    assert any("第三条" in w and "第五条" in w for w in document.warnings)


def test_duplicated_numbering_gets_a_suffixed_anchor_and_a_warning() -> None:
    document = _one("管理制度", "第一条为规范管理，制定本制度。", "第一条本制度适用于全体员工。")
    assert [s.anchor for s in document.walk()] == ["第一条", "第一条-2"]
    assert any("第一条-2" in w for w in document.warnings)


def test_document_without_a_title_line_is_named_after_its_file() -> None:
    documents = _recover("第一条为规范管理，制定本制度。")
    assert (documents[0].title, documents[0].slug) == ("t", "t")


def test_repeated_preview_line_with_a_dot_leader_is_dropped() -> None:
    result = recover(
        [
            Block("营销部管理制度规范", "t:1"),
            Block("营销部管理制度总纲根据俱乐部营销部的组织结构和岗位职责，特制定本管理办法。", "t:2"),
            Block(
                "第一条...营销部管理制度总纲根据俱乐部营销部的组织结构和岗位职责，特制定本管理办法。", "t:3"
            ),
            Block("第一条总则一、营销人员是公司的正式员工。", "t:4"),
        ],
        SOURCE,
    )
    assert [s.number for s in result.value[0].walk()] == ["第一条", "一、"]
    assert any(d.source == "t:3" for d in result.dropped)


def test_word_outline_levels_and_automatic_numbers_are_honoured() -> None:
    blocks = [
        Block("员工手册", "d:1"),
        Block("考勤管理", "d:2", style="章标题", outline_level=1),
        Block("上班时间", "d:3", style="一级条标题", outline_level=2, number="一、"),
        Block("员工应按时上班。", "d:4", number="1."),
        Block("迟到须说明原因。", "d:5", number="2."),
        Block("请假管理", "d:6", style="章标题", outline_level=1),
    ]
    document = recover(blocks, SOURCE).value[0]
    assert _outline(document) == [
        (1, "", "考勤管理"),
        (2, "一、", "上班时间"),
        (3, "1.", ""),
        (3, "2.", ""),
        (1, "", "请假管理"),
    ]
    assert _find(document, "一-1").text == "员工应按时上班。"


def test_word_heading_text_is_never_split_into_title_and_body() -> None:
    blocks = [
        Block("员工手册", "d:1"),
        Block("第一章总则为规范管理", "d:2", outline_level=1),
        Block("第一条为规范管理，制定本制度。", "d:3"),
    ]
    document = recover(blocks, SOURCE).value[0]
    assert _find(document, "第一章").title == "总则为规范管理"


def test_tables_from_word_are_attached_to_the_current_section() -> None:
    table = (("岗位", "人数"), ("销售代表", "5"))
    blocks = [Block("员工手册", "d:1"), Block("第一条岗位编制如下：", "d:2"), Block("", "d:3", table=table)]
    document = recover(blocks, SOURCE).value[0]
    assert _find(document, "第一条").tables == (table,)


def test_kind_is_handbook_for_a_compilation_with_parts() -> None:
    document = _one("营销中心机构设置", "第一部分机构设置一、背景及目的为了完善管理体系，特制定本手册。")
    assert document.kind == "handbook"


def test_bare_word_numbers_and_bullets() -> None:
    blocks = [
        Block("标准", "d:1", style="Title"),
        Block("规范性引用文件", "d:2", style="章标题", outline_level=2, number="2"),
        Block("术语和定义", "d:3", style="章标题", outline_level=2, number="3"),
        Block("", "d:4", style="一级条标题", outline_level=3, number="3.1"),
        Block("定期安全评价 periodic safety review", "d:5", style="Normal"),
        Block("补充缺失内容；", "d:6", style="Normal", number="−"),
    ]
    document = recover(blocks, SOURCE).value[0]
    assert _outline(document) == [(1, "2", "规范性引用文件"), (1, "3", "术语和定义"), (2, "3.1", "")]
    assert _find(document, "3-1").text == "定期安全评价 periodic safety review\n− 补充缺失内容；"


def test_word_table_of_contents_is_dropped_before_splitting() -> None:
    blocks = [
        Block("员工手册", "d:1", style="Title"),
        Block("目　录", "d:2", style="目录标题", outline_level=1),
        Block("1 考勤管理制度\t1", "d:3", style="TOC 1"),
        Block("2 请假管理规定\t3", "d:4", style="TOC 1"),
        Block("考勤管理制度", "d:5", style="章标题", outline_level=1, number="1"),
    ]
    result = recover(blocks, SOURCE)
    assert [d.title for d in result.value] == ["员工手册"]
    assert [d.source for d in result.dropped] == ["d:2", "d:3", "d:4"]


def test_cover_page_lines_before_a_word_title_are_its_preamble() -> None:
    blocks = [
        Block("ICS 27.120.99", "d:1", style="文献分类号"),
        Block("核电厂定期安全评价", "d:2", style="封面标准名称"),
        Block("第1部分：通用要求", "d:3", style="封面标准名称"),
        Block("Part 1: General Requirements", "d:4", style="封面标准英文名称"),
        Block("范围", "d:5", style="章标题", outline_level=2, number="1"),
    ]
    (document,) = recover(blocks, SOURCE).value
    assert document.title == "核电厂定期安全评价 第1部分：通用要求"
    assert document.preamble == "ICS 27.120.99\nPart 1: General Requirements"


def test_an_article_cited_from_a_law_is_not_a_heading() -> None:
    document = _one(
        "编制说明",
        "五、与现行法律的关系2017年发布的《中华人民共和国核安全法》第十六条明确规定：应当定期评价。",
    )
    assert [s.number for s in document.walk() if s.number] == ["五、"]


def test_reference_list_entries_are_not_document_titles() -> None:
    documents = _recover(
        "参考资料", "一、参考资料", "[2]  HAF 103-2020 核动力厂调试和运行安全规定", "二、其他"
    )
    assert len(documents) == 1


def test_anchors_skip_unnumbered_headings_but_keep_numbered_parents() -> None:
    document = _one(
        "目标管理制度",
        "总则",
        "1、目的意义",
        "为了实现经营目标。",
        "第2章计划管理",
        "总则",
        "1、目的意义",
        "为了使计划更科学。",
    )
    assert [s.anchor for s in document.walk()] == ["总则", "1", "第二章", "第二章总则", "第二章-1"]


def test_word_heading_numbered_as_a_chapter_is_a_chapter() -> None:
    blocks = [
        Block("员工手册", "d:1"),
        Block("第一章 总则", "d:2", outline_level=1),
        Block("第一条为规范管理，制定本制度。", "d:3"),
    ]
    document = recover(blocks, SOURCE).value[0]
    assert [(s.kind, s.anchor) for s in document.walk()] == [
        (SectionKind.CHAPTER, "第一章"),
        (SectionKind.ARTICLE, "第一条"),
    ]


def test_a_list_announced_by_its_item_restarts_inside_it() -> None:
    document = _one(
        "管理制度",
        "三、组织架构",
        "1. 市场推广部1.负责品牌传播。",
        "2.负责市场调查。",
        "2. 销售部1.制定销售计划。",
        "2.管理销售团队。",
        "四、工作流程",
    )
    assert _outline(document) == [
        (1, "三、", "组织架构"),
        (2, "1.", "市场推广部"),
        (3, "1.", ""),
        (3, "2.", ""),
        (2, "2.", "销售部"),
        (3, "1.", ""),
        (3, "2.", ""),
        (1, "四、", "工作流程"),
    ]
    assert not any("不连续" in w or "重复" in w for w in document.warnings)


def test_a_list_after_a_finished_item_does_not_nest() -> None:
    document = _one("管理制度", "一、要求①确定目标；②满足需求。", "①创造力；②语言能力。")
    assert [s.level for s in document.walk()] == [1, 2, 2, 2, 2]


def test_a_document_that_nests_against_convention_is_followed() -> None:
    document = _one(
        "管理制度",
        "1.总体要求",
        "（一）坚持客户至上。",
        "（二）坚持依法合规。",
        "2.具体要求",
        "（一）按时提交计划。",
    )
    assert [(s.level, s.number) for s in document.walk()] == [
        (1, "1."),
        (2, "（一）"),
        (2, "（二）"),
        (1, "2."),
        (2, "（一）"),
    ]


def test_conventional_order_holds_when_the_document_agrees() -> None:
    document = _one(
        "管理制度",
        "（一）总体要求",
        "1.坚持客户至上。",
        "2.坚持依法合规。",
        "（二）具体要求",
        "1.按时提交计划。",
    )
    assert [(s.level, s.number) for s in document.walk()] == [
        (1, "（一）"),
        (2, "1."),
        (2, "2."),
        (1, "（二）"),
        (2, "1."),
    ]


def test_an_item_naming_its_subject_before_a_sentence_about_it_has_a_title() -> None:
    document = _one(
        "组织架构管理制度",
        "一、组织架构",
        "1. 营销总监营销总监是营销中心的副负责人。",
        "2. 市场推广制度包括销售计划、宣传方案等方面的规定。",
        "3. 售后服务部负责制定售后服务计划。",
    )
    assert [s.title for s in document.walk()] == ["组织架构", "营销总监", "市场推广制度", ""]
