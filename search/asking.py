"""What a question asks: its question form stripped, and the kind of statement that answers it.

``迟到几次扣钱`` asks about a procedure (a consequence); ``财务人员归哪个部门管``
asks for a person or department; ``几点下班`` for a time; ``上班能穿短裤吗`` for a
permission.  The forms are removed from the text before it is cut into words
(``归哪个部门管`` says nothing the answering clause contains), and the kind
adds a small score to clauses that state that kind of thing: a person
(``由…负责``, ``审批``, ``直接上级``), a time (``每月``, ``上午``), a permission
(``不得``, ``禁止``), a procedure (``处理``, ``按照``).  Pure functions over text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERSON = "person"
TIME = "time"
PERMISSION = "permission"
PROCEDURE = "procedure"
QUANTITY = "quantity"

# Longest forms first within each kind; a form is removed wherever it occurs, so none is a single
# character (``能`` is inside 职能): those are recognised as whole words (WORD_ASKS).
_FORMS: tuple[tuple[str, str], ...] = (
    (PERSON, r"归哪个部门管|归哪个部门|归谁管|归谁|哪个部门|哪些部门|哪些人|什么人|由谁来|由谁|谁来|是谁|找谁|跟谁说|跟谁|向谁|给谁"),
    (TIME, r"什么时候|什么时间|多长时间|多久|何时|几点到几点|几点|哪天|哪一天|几号|几月"),
    (QUANTITY, r"几次|几个|几名|几天|多少次|多少人|多少"),
    (PROCEDURE, r"会怎么样|会怎样|怎么办|怎么处理|怎么算|怎么评|如何处理|如何|怎么|怎样|要做什么|干什么|做什么"),
    (PERMISSION, r"可不可以|能不能|是否可以|是否允许|能否|可否|可以|行不行|准不准"),
)
_ENDINGS_RE = re.compile(r"(吗|呢|吧|啊|没有)?[?？。!！\s]*$")

# Words of clauses that state each kind of thing (index tokens: jieba words of the handbook).
STATEMENT_TERMS: dict[str, tuple[str, ...]] = {
    PERSON: ("负责", "由", "审批", "批准", "主持", "领导", "上级", "直接上级", "属于", "报告", "汇报", "下属", "专人"),
    TIME: ("时间", "每天", "每周", "每月", "每年", "季度", "年度", "月度", "上午", "下午", "小时", "定期", "日前", "中旬", "一次"),
    QUANTITY: ("一次", "两次", "若干", "人数", "编制", "一名"),
    PROCEDURE: ("处理", "按照", "流程", "处罚", "给予", "提前", "及时", "规定", "程序"),
    PERMISSION: ("不得", "禁止", "严禁", "应", "应当", "必须", "须", "允许", "可以"),
}


# Question words that are one jieba word on their own (query.QUESTION_WORDS drops them).
WORD_ASKS: dict[str, str] = {"谁": PERSON, "能": PERMISSION, "可": PERMISSION, "几": QUANTITY, "哪": PERSON}


@dataclass(frozen=True)
class Asking:
    """A question's text without its question forms, and what it asks (in order found)."""

    text: str
    asks: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()  # the forms removed, as typed

    @property
    def is_question(self) -> bool:
        return bool(self.asks)


_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in _FORMS)


def analyse(text: str) -> Asking:
    """Strip question forms (``怎么``, ``可以…吗``, ``谁来``, ``归谁管``, ``什么时候`` …) and name what is asked.

    Quoted phrases and field filters are left alone: only plain text is a question.
    """
    if any(mark in text for mark in '"“「:：') or text.lstrip().startswith("-"):
        return Asking(text)
    body = _ENDINGS_RE.sub("", text)
    ended = body != text.rstrip() and bool(text.strip())
    asks: list[str] = []
    forms: list[str] = []
    for kind, pattern in _COMPILED:
        found = pattern.findall(body)
        if found:
            asks.append(kind)
            forms += found
            body = pattern.sub(" ", body)
    if not asks and ended and re.search(r"[吗呢]\s*[?？]?\s*$", text):
        asks.append(PERMISSION)  # 周末要上班吗: a yes/no question about what is allowed or required
    if not body.strip():
        return Asking(text)  # nothing but a question form (``谁``): search it as typed
    return Asking(" ".join(body.split()), tuple(dict.fromkeys(asks)), tuple(forms))


def statement_terms(asks: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for kind in asks for t in STATEMENT_TERMS.get(kind, ())))
