"""Properties of structure recovery on generated messy text: it never fails and never loses text."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.model import SourceRef
from domain.normalize import comparison_key
from importers.blocks import Block
from importers.structure import recover

FRAGMENTS = [
    "营销中心管理制度",
    "会议管理制度",
    "营销中心管理制度.doc",
    "第一章",
    "第二章",
    "第一条",
    "第二条第二条 ",
    "第十条之一",
    "第3条",
    "一、",
    "二、",
    "（一）",
    "(2)",
    "1.",
    "2、",
    "3.1",
    "①",
    "总则",
    "部门职能",
    "为规范管理，制定本制度。",
    "本制度适用于全体员工",
    "依照第五条处理。",
    "目录",
    "目录第一章组织机构第二章人员聘用",
    "目  录",
    "第一章 总则-------------第1页",
    "第二章 附则    9",
    "本制度由营销中心负责解释。",
    "第一条...",
    "三、管理目标1.规范；2.提高；",
    "-----第3页",
    "第1页共23页",
    "- 1、下载文档前请自行甄别文档内容的完整性",
    " - 制度大全",
    "分享中人网·共建中人网",
    "职位名称:销售部经理",
    "◇营销副总直接上级:总经理直接下级:营销部经理本职工作:",
    "案场经理职责:负责案场管理。",
    "设臵",
    "２０１０年",
    ",",
    "……",
    "ABC xyz",
    "",
]

lines = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=5).map("".join)
documents = st.lists(lines, min_size=1, max_size=25)


def _letters(text: str) -> Counter[str]:
    return Counter(ch for ch in comparison_key(text) if ch.isalnum())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_recovery_never_fails_and_accounts_for_every_character(texts: list[str]) -> None:
    blocks = [Block(text, f"g.txt:{i}") for i, text in enumerate(texts, 1)]
    result = recover(blocks, SourceRef("g.txt", ""))
    kept = Counter[str]()
    for document in result.value:
        # A document without a title line is named after its file: that title is not source text.
        kept += _letters(document.title if document.title != "g" else "") + _letters(document.preamble)
        for section in document.walk():
            kept += _letters(section.number + section.title + section.text)
    dropped = Counter[str]()
    for record in result.dropped:
        dropped += _letters(record.text)
    source = Counter[str]()
    for text in texts:
        source += _letters(text)
    assert source - (kept + dropped) == Counter(), "text lost silently"
    assert (kept + dropped) - source == Counter(), "text invented or duplicated"


@settings(max_examples=100, deadline=None)
@given(documents)
def test_anchors_are_unique_and_slugs_are_unique(texts: list[str]) -> None:
    blocks = [Block(text, f"g.txt:{i}") for i, text in enumerate(texts, 1)]
    result = recover(blocks, SourceRef("g.txt", ""))
    slugs = [d.slug for d in result.value]
    assert len(slugs) == len(set(slugs))
    for document in result.value:
        anchors = [s.anchor for s in document.walk()]
        assert len(anchors) == len(set(anchors))
        assert all(anchors)
