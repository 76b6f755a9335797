"""Where a heading's title ends and its body begins.

Copied text glues them together (``二、部门职能营销管理中心是…``,
``第一章总则为规范…``).  The rules, strongest first:

1. the document's own table of contents names the title;
2. the title stands alone: the text stops at a sub-item's number, at the
   end of its line, or (for 编/章/节) is short and unpunctuated;
3. the title is repeated at the start of the body
   (``市场部主要职能市场部主要职能包括…``);
4. the body opens with the way Chinese clauses open (``为规范``, ``本制度``,
   ``根据``) or with a field label (``部门名称：``) - for heading systems, and
   for articles only in a document that gives its articles titles;
5. a list item names its subject, then a sentence about it begins
   (``营销总监营销总监是…``, ``市场推广制度包括…``); a bullet (◇) starts the body;
6. the body starts after a generic heading word of regulations (总则, 附则, 概述).

Rules 3 to 5 may all find a place: the earliest wins.

Otherwise the node is a plain clause: no title, all body.  References such
as 本制度第五条 never reach here: they are not numbers of the outline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from importers.numbering import HEADING_SYSTEMS

_SENTENCE_PUNCT = set("。，,；;！？!?")
_BULLETS = set("◇◆□■●○•")
_ANY_PUNCT = _SENTENCE_PUNCT | _BULLETS | set("：:、（）()《》“”\"'[]【】")
# A title names a topic; it does not state a rule or end in the middle of a sentence.
_NOT_IN_TITLE = ("应", "须", "不得", "可以", "能够", "将")
_NOT_AT_TITLE_END = (*"的是为由和及在对与并", "包括")
_LEAD_IN_WORDS = ("以下", "如下", "下列", "包括", "如次")
MAX_STANDALONE_TITLE = 25
MAX_DIVISION_TITLE = 30
MAX_GLUED_TITLE = 16
MAX_LINE_TITLE = 15  # a number and a few words alone on their line: a heading
MIN_TITLE = 2

# How clauses of Chinese regulations open; a glued title ends right before one.
_OPENERS_RE = re.compile(
    r"为了|为(?:规范|加强|更好|保证|保障|确保|进一步|提高|完善|明确|使|实现|做好|落实|维护)"
    r"|本(?:制度|办法|规定|细则|条例|手册|规章|规范|公司|中心|部门|章)"
    r"|根据|依据|按照|凡是?|通过对?|由(?!于)|经(?=[董总公部集])"
    # 每年度总经理办公会…, 对公司现有资源…: a time or an object opening the sentence after a title.
    r"|每(?:年度?|季度?|半年|月|周)(?=[^度的末初底])|对(?=公司|本公司|企业)"
    r"|(?:部门|职位|岗位)名称[：:]|直接(?:上级|领导|下级)[：:]"
)
_ACTING_SUBJECTS = ("人员", "员工", "部", "部门", "中心", "公司", "小组", "委员会")
_SUBJECT_VERBS = ("通过", "根据", "依据", "按照", "经")
# What a sentence says about the subject it opens with (营销总监是…, 市场部门主要负责…).
_PREDICATES = ("是", "作为", "主要", "负责", "全面负责")
_DOCUMENT_KINDS = ("制度", "办法", "规定", "细则", "条例", "规范", "流程")
# Heading words every regulation uses; not titles of any particular document.
# 使用范围 is how 适用范围 is often miswritten in copied regulations; the text keeps the writer's word.
GENERIC_HEADINGS = (
    "总则",
    "附则",
    "概述",
    "概况",
    "目的",
    "宗旨",
    "定义",
    "适用范围",
    "使用范围",
    "基本原则",
    "原则",
)


class Ending(Enum):
    """What ends a node's first piece of text on its line."""

    CHILD = "child"  # a sub-item's number follows on the same line
    OTHER = "other"  # a sibling's or an outer node's number follows
    LINE = "line"  # the line ends


@dataclass(frozen=True)
class TitleSplit:
    title: str
    body: str
    rule: str  # which rule decided: toc, standalone, repeat, opener, bullet, subject, generic, run-in, word, none

    @property
    def is_confident(self) -> bool:
        """Rules that show the document gives this numbering system titles."""
        return self.rule in ("toc", "standalone", "repeat", "generic")


def split_title(
    text: str,
    system_key: str,
    ending: Ending,
    has_body_after: bool,
    toc_title: str | None = None,
    system_uses_titles: bool = False,
) -> TitleSplit:
    """Split the first piece of a numbered node's text into title and body."""
    text = text.strip().lstrip("：:")
    heading_system = system_key in HEADING_SYSTEMS or system_key == "H"
    found = _from_toc(text, toc_title) or _standalone(text, system_key, ending, has_body_after)
    if found is not None:
        return found
    # A glued title ends at the earliest place any rule finds.
    candidates = [
        c
        for c in (
            _repeated(text, heading_system, whole=not heading_system and system_key != "条"),
            _opener(text) if heading_system or (system_key == "条" and system_uses_titles) else None,
            _bulleted(text),
            _named_subject(text) if not heading_system else None,
        )
        if c is not None
    ]
    if candidates:
        return min(candidates, key=lambda c: len(c.title))
    found = _generic(text) if heading_system or system_key == "条" else None
    return found or TitleSplit("", text, "none")


MAX_RUN_IN_TITLE = 12
_RUN_IN_RE = re.compile(rf"^\s*([^：:]{{2,{MAX_RUN_IN_TITLE}}}?)\s*[：:]\s*(?=\S)")
# A phrase starting with one of these is a sentence (负责客户接待：…), not a topic.
_LEADING_VERBS = (
    "负责", "协助", "参与", "参加", "完成", "做好", "执行", "进行", "开展", "提供", "如", "若", "对",
)  # fmt: skip
_REFERENCE_RE = re.compile(r"第[一二三四五六七八九十百零〇\d]+[条章节款项]|本(?:制度|办法|规定|条例|细则)")
# Labels of fields (直接上级：…, 岗位职责：…): the job reader takes them from the body.
_FIELD_LABEL_ENDINGS = (
    "职责", "上级", "下级", "领导", "名称", "部门", "资格", "条件", "要求", "权限", "职权", "概要", "内容",
)  # fmt: skip


def run_in_title(text: str) -> TitleSplit | None:
    """``统一部署:通过会议可以…``: a short noun phrase closed by a colon, then the item's body.

    Only a candidate: :func:`importers.outline.split_titles` takes it when
    the item's siblings share the pattern.
    """
    match = _RUN_IN_RE.match(text)
    if match is None:
        return None
    phrase, body = match.group(1).strip(), text[match.end() :]
    if not _is_clean_title(phrase) or phrase.startswith(_LEADING_VERBS) or _OPENERS_RE.match(phrase):
        return None
    if _REFERENCE_RE.search(phrase) or phrase.endswith(_FIELD_LABEL_ENDINGS) or len(body) < MIN_TITLE:
        return None
    if any(word in phrase for word in _LEAD_IN_WORDS):
        return None
    return TitleSplit(phrase, body, "run-in")


def _from_toc(text: str, toc_title: str | None) -> TitleSplit | None:
    if not toc_title:
        return None
    end = _prefix_end(text, toc_title)
    return None if end == 0 else TitleSplit(toc_title, text[end:].lstrip("：: "), "toc")


def _prefix_end(text: str, prefix: str) -> int:
    """End of ``prefix`` at the start of ``text``, ignoring spaces and colons."""
    i = j = 0
    while i < len(text) and j < len(prefix):
        if text[i] in " ：:\u3000":
            i += 1
        elif prefix[j] in " ：:\u3000":
            j += 1
        elif text[i] == prefix[j]:
            i += 1
            j += 1
        else:
            return 0
    return i if j == len(prefix) else 0


def _standalone(text: str, system_key: str, ending: Ending, has_body_after: bool) -> TitleSplit | None:
    """The whole piece is the title: it stops where a sub-item or the line's body begins."""
    if not text or any(ch in _SENTENCE_PUNCT or ch in _BULLETS for ch in text):
        return None
    if system_key in ("编", "部分", "章", "节", "H") and len(text) <= MAX_DIVISION_TITLE:
        return TitleSplit(text.rstrip("：:"), "", "standalone")
    if ending is Ending.LINE and len(text) <= MAX_LINE_TITLE:
        return TitleSplit(text.rstrip("：:"), "", "standalone")
    if len(text) > MAX_STANDALONE_TITLE or any(word in text for word in _LEAD_IN_WORDS):
        return None
    if ending is Ending.CHILD or (ending is Ending.LINE and has_body_after):
        return TitleSplit(text.rstrip("：:"), "", "standalone")
    return None


def _repeated(text: str, lenient: bool, whole: bool = False) -> TitleSplit | None:
    """``市场部主要职能市场部主要职能包括…``: the body starts by repeating the title's first words.

    Plain items (``1.``) must repeat the whole title: their text often
    names its subject twice without having a title.
    """
    min_repeat = 2 if lenient else 3
    for k in range(MIN_TITLE, min(MAX_GLUED_TITLE, len(text) - min_repeat) + 1):
        repeat = k if whole else min_repeat
        if text[k : k + repeat] == text[:repeat] and _is_clean_title(text[:k]):
            return TitleSplit(text[:k], text[k:], "repeat")
    return None


def _opener(text: str) -> TitleSplit | None:
    # ``本制度由营销中心负责解释``: a text that itself opens like a clause has no title
    # (the next opener, 由, would otherwise cut ``本制度`` off as one).
    if _OPENERS_RE.match(text) is not None:
        return None
    match = _OPENERS_RE.search(text, MIN_TITLE, MAX_GLUED_TITLE + 1)
    # ``考勤方式 为规范…``: a space between title and body is the writer's separator.
    title = text[: match.start()].rstrip(" \u3000") if match is not None else ""
    if match is None or not _is_clean_title(title):
        return None
    # ``市场人员通过对国内…``: a person or a unit before 通过/根据 is the sentence's subject, not a title.
    if title.endswith(_ACTING_SUBJECTS) and match.group(0).startswith(_SUBJECT_VERBS):
        return None
    return TitleSplit(title, text[match.start() :], "opener")


def _named_subject(text: str) -> TitleSplit | None:
    """``营销总监营销总监是…``, ``总经理兼营销中心负责人总经理作为…``, ``市场推广制度包括…``.

    An item that names its subject, then starts a sentence about it: the
    subject is repeated and a predicate follows, or a kind of document is
    followed by 包括 (what it covers).
    """
    for k in range(MIN_TITLE + 1, min(MAX_GLUED_TITLE, len(text) - 2) + 1):
        title, rest = text[:k], text[k:]
        if not _is_clean_title(title):
            continue
        common = len(_common_prefix(title, rest))
        if common >= 2 and rest[common:].startswith(_PREDICATES):
            return TitleSplit(title, rest, "subject")
        if title.endswith(_DOCUMENT_KINDS) and rest.startswith("包括"):
            return TitleSplit(title, rest, "subject")
    return None


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _bulleted(text: str) -> TitleSplit | None:
    """``职位说明◇营销副总…``: a bullet starts the body."""
    for k, ch in enumerate(text[: MAX_GLUED_TITLE + 1]):
        if ch in _BULLETS:
            return TitleSplit(text[:k], text[k:], "bullet") if _is_clean_title(text[:k]) else None
    return None


# After a heading word these continue it as a phrase of the sentence (原则上…, 适用范围内…).
_CONTINUING_WORD = set("上下内外中之的")


def _generic(text: str) -> TitleSplit | None:
    for word in GENERIC_HEADINGS:
        if not text.startswith(word) or len(text) <= len(word):
            continue
        if text[len(word)] not in _ANY_PUNCT and text[len(word)] not in _CONTINUING_WORD:
            return TitleSplit(word, text[len(word) :], "generic")
    return None


def _is_clean_title(title: str) -> bool:
    if len(title) < MIN_TITLE or any(ch in _ANY_PUNCT or ch.isspace() for ch in title):
        return False
    return not any(word in title for word in _NOT_IN_TITLE) and not title.endswith(_NOT_AT_TITLE_END)
