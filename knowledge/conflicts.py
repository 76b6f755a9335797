"""Candidate conflicts: clauses of different regulations that give different values for the same thing.

Pure.  Each sentence yields *facts*: a slot (what the value is about) and a value.  Four kinds of slot:

* ``deadline``: a duty's time (每月3日前, 每周一, 签订后三日内) for a subject (考勤表, 差旅费报销…);
  an event-relative one also needs the same event (合同签订, 收到客户投诉);
* ``approver``: who approves a subject under a condition (请假三天以内的 → 部门经理; the last approver of
  a chain, 经财务总监审核后报总经理审批 → 总经理);
* ``threshold``: the amount above or below which that approver approves (超过5万元的 … 总经理审批);
* ``limit``: a quantity of a subject (试用期为三个月, 每月加班不得超过36小时), under the same period
  and conditions (已满1年不满10年的);
* ``hours``: working hours (上午9:00至下午6:00).

Two facts of two documents with the same slot are a candidate when their values disagree.  A value within
the other's bound (试用期为三个月 / 不超过六个月) agrees.  Subjects come from a lexicon of the things
regulations set times and values for: a subject outside it is not compared (precision over recall).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.model import ClauseRef, Document
from domain.numerals import parse_numeral
from knowledge.obligations import Schedule, describe, find_schedules

Attribute = str  # "deadline", "approver", "threshold", "limit", "hours"

# Longest first, so that 采购合同 wins over 合同 and 会议纪要 over 会议.
SUBJECTS = tuple(sorted({
    "差旅费报销", "差旅费", "报销单", "报销", "费用结算", "单笔费用", "备用金", "借款", "工资", "奖金",
    "考勤表", "考勤", "加班时间", "加班", "请假", "事假", "病假", "婚假", "丧假", "产假", "年休假", "年假",
    "试用期", "转正申请", "劳动合同", "采购合同", "销售合同", "合同原件", "合同金额", "合同", "会议纪要",
    "会议通知", "销售例会", "例会", "销售计划", "培训计划", "工作计划", "工作总结", "月度报表", "销售报表",
    "客户投诉", "投诉", "回访", "库存", "盘点", "工作时间", "上班时间", "发票", "付款", "预算",
}, key=len, reverse=True))
_ROLE = r"[\u4e00-\u9fff]{0,8}?(?:总经理|副总经理|副总|总监|经理|主管|负责人|董事长|董事会|委员会|部|中心|办公室)"
_APPROVER = re.compile(rf"(?:由|经|报|交)(?P<who>{_ROLE})(?:审核后报(?P<final>{_ROLE}))?(?:审批|批准|签批|核准)")
_N = r"[零〇一二三四五六七八九十百千万两\d]+(?:\.\d+)?"
_AMOUNT = re.compile(r"(?P<before>超过|高于|不超过|低于|不足|在)?(?P<n>[零〇一二三四五六七八九十百千两\d]+(?:\.\d+)?)(?P<wan>万)?元(?P<after>以上|以下|以内|及以上|及以下)?")
_COUNT_UNIT = r"个工作日|工作日|个月|小时|天|日|周|年"
_DAYS_BAND = re.compile(rf"(?P<n>{_N})(?P<unit>{_COUNT_UNIT})(?P<after>以内|以下|以上|及以上|及以下)")
_LIMIT = re.compile(rf"(?P<cmp>不得超过|不超过|最长不超过|最长|最多|至多|不少于|至少|为|是|享有|给予)?(?P<n>{_N})(?P<unit>{_COUNT_UNIT})")
_CONDITION = re.compile(rf"(?:已满|满|不满|超过|以上|以下|不足)\s*{_N}\s*(?:{_COUNT_UNIT})?|{_N}(?:{_COUNT_UNIT})(?:以上|以下|以内)")
_TIME = re.compile(r"(?P<part>上午|下午|早上|晚上|中午)?(?P<h>\d{1,2})[:：](?P<m>\d{2})")
_PERIOD = re.compile(r"每(?:日|天|周|月|季度|年)")
_HOURS = re.compile(r"工作时间|上班时间|作息时间")


@dataclass(frozen=True)
class Fact:
    """One value a clause sets: ``slot`` says what about (compared for equality), ``value`` the value."""

    clause: ClauseRef
    title: str
    attribute: Attribute
    slot: tuple[str, ...]
    value: tuple[object, ...]
    text: str  # the value as written, for the reason
    sentence: str


@dataclass(frozen=True)
class Conflict:
    """A candidate for HR: two facts of two regulations, and why they were put side by side."""

    a: Fact
    b: Fact
    reason: str

    @property
    def key(self) -> str:
        """Stable across runs while both clauses stand (HR's mark is kept under it)."""
        ends = sorted((f"{self.a.clause}|{self.a.sentence}", f"{self.b.clause}|{self.b.sentence}"))
        return f"{self.a.attribute}:{'/'.join(self.a.slot)}:{ends[0]}::{ends[1]}"


def _num(text: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    value = parse_numeral(text.replace("两", "二"))
    return float(value) if value is not None else None


def subjects_in(text: str) -> list[str]:
    """The lexicon's subjects in ``text``, longest first, without overlaps."""
    found: list[tuple[int, int, str]] = []
    for word in SUBJECTS:
        for match in re.finditer(re.escape(word), text):
            if not any(a < match.end() and match.start() < b for a, b, _ in found):
                found.append((match.start(), match.end(), word))
    return [w for _, _, w in sorted(found)]


def _subject(text: str, outside: str = "") -> str:
    """The main subject: the longest of the lexicon's words (考勤表 over the 考勤 of 考勤员), leaving out those
    within ``outside`` (an event's words: 费用 in 费用发生后) unless nothing else is named."""
    words = subjects_in(text)
    kept = [w for w in words if not (outside and w in outside)] or words
    return max(kept, key=len) if kept else ""


def _normal_subject(word: str) -> str:
    return {"差旅费": "差旅费报销", "报销单": "报销", "年假": "年休假", "上班时间": "工作时间", "加班": "加班时间",
            "投诉": "客户投诉"}.get(word, word)


def _condition(sentence: str, value_span: tuple[int, int]) -> str:
    """The sentence's conditions other than the value itself (已满1年不满10年), normalised for comparison."""
    parts = [m.group() for m in _CONDITION.finditer(sentence)
             if not (m.start() < value_span[1] and value_span[0] < m.end())]
    return "、".join(_normal_numbers(p) for p in parts)


def _normal_numbers(text: str) -> str:
    return re.sub(_N, lambda m: str(int(n)) if (n := _num(m.group())) is not None and n == int(n) else m.group(), text)


def _deadline_facts(clause: ClauseRef, title: str, sentence: str) -> list[Fact]:
    out = []
    for schedule in find_schedules(sentence):
        if not _dated(schedule):
            continue  # 每月进行一次: nothing to compare but the period
        subject = _normal_subject(_subject(sentence, schedule.trigger))
        if not subject:
            continue
        trigger = _trigger(schedule)
        slot = (schedule.kind, subject, trigger)
        value = (schedule.day, schedule.weekday, schedule.month, schedule.part, schedule.within, schedule.unit, schedule.date)
        out.append(Fact(clause, title, "deadline", slot, value, describe(schedule), sentence))
    return out


def _dated(schedule: Schedule) -> bool:
    return any(v is not None and v != "" for v in (schedule.day, schedule.weekday, schedule.part, schedule.within, schedule.date))


def _trigger(schedule: Schedule) -> str:
    """The event, without the words that only say whose (出差返回 and 返回 are one event)."""
    trigger = schedule.trigger
    for prefix in ("出差", "收到", "合同", "会议"):
        if trigger.startswith(prefix) and len(trigger) > len(prefix):
            trigger = trigger[len(prefix):]
    return {"会": "召开", "议": "召开"}.get(trigger, trigger)


def _approval_facts(clause: ClauseRef, title: str, sentence: str) -> list[Fact]:
    matches = list(_APPROVER.finditer(sentence))
    if len(matches) != 1:
        return []  # a sentence with two approvers gives bands (…由部门经理审批，…由总经理审批): not compared
    match = matches[0]
    approver = match.group("final") or match.group("who")
    head = sentence[: match.start()]
    subject = _normal_subject(_subject(head))
    if not subject:
        return []
    amount = _AMOUNT.search(head)
    band = _DAYS_BAND.search(head)
    out = []
    if amount:
        value = (_num(amount.group("n")) or 0) * (10_000 if amount.group("wan") else 1)
        direction = _direction(amount.group("before") or "", amount.group("after") or "")
        condition = f"{direction}{value:g}元"
        out.append(Fact(clause, title, "threshold", (subject, approver, direction), (value,), amount.group(), sentence))
    elif band:
        direction = _direction("", band.group("after"))
        condition = f"{direction}{_num(band.group('n')) or 0:g}{band.group('unit')}"
    else:
        condition = ""
    out.append(Fact(clause, title, "approver", (subject, condition), (approver,), approver, sentence))
    return out


def _direction(before: str, after: str) -> str:
    if before in ("超过", "高于") or after in ("以上", "及以上"):
        return ">"
    return "<="


def _limit_facts(clause: ClauseRef, title: str, sentence: str) -> list[Fact]:
    if _HOURS.search(sentence) or _APPROVER.search(sentence) or any(_dated(s) for s in find_schedules(sentence)):
        return []  # times of day, approvals and dated duties have their own facts
    out = []
    for match in _LIMIT.finditer(sentence):
        subject = _normal_subject(_subject(sentence[: match.start()]))
        if not subject or not (match.group("cmp") or sentence[match.start() - 1: match.start()] in ("假", "期")):
            continue
        if _CONDITION.fullmatch(match.group()):
            continue
        number = _num(match.group("n"))
        if number is None:
            continue
        cmp = match.group("cmp") or "为"
        bound = "<=" if cmp in ("不得超过", "不超过", "最长不超过", "最长", "最多", "至多") else ">=" if cmp in ("不少于", "至少") else "="
        period = "".join(_PERIOD.findall(sentence[: match.start()]))
        condition = _condition(sentence, match.span())
        text = match.group() if bound != "=" else match.group("n") + match.group("unit")  # 不超过六个月 / 三天
        out.append(Fact(clause, title, "limit", (subject, period, condition, match.group("unit")), (bound, number),
                        text, sentence))
    return out


def _hours_facts(clause: ClauseRef, title: str, sentence: str) -> list[Fact]:
    if not _HOURS.search(sentence):
        return []
    times = [_minutes(m) for m in _TIME.finditer(sentence)]
    if len(times) < 2:
        return []
    season = next((s for s in ("夏季", "冬季", "夏令", "冬令") if s in sentence), "")
    text = "至".join(f"{t // 60}:{t % 60:02d}" for t in times[:2])
    return [Fact(clause, title, "hours", ("工作时间", season), (times[0], times[1]), text, sentence)]


def _minutes(match: re.Match[str]) -> int:
    hour = int(match.group("h"))
    if match.group("part") in ("下午", "晚上") and hour < 12:
        hour += 12
    return hour * 60 + int(match.group("m"))


_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


def facts_in(document: Document) -> list[Fact]:
    out: list[Fact] = []
    for section in document.walk():
        for sentence in _SENTENCE.findall(section.text or ""):
            sentence = sentence.strip()
            clause = ClauseRef(document.slug, section.anchor)
            for extract in (_deadline_facts, _approval_facts, _limit_facts, _hours_facts):
                out += extract(clause, document.title, sentence)
    return out


def agree(a: Fact, b: Fact) -> bool:
    """Whether two values of one slot say the same (a value within the other's bound agrees)."""
    if a.value == b.value:
        return True
    if a.attribute == "limit":
        (bound_a, n_a), (bound_b, n_b) = a.value, b.value
        if bound_a == "=" and bound_b != "=":
            return _within(n_a, bound_b, n_b)  # type: ignore[arg-type]
        if bound_b == "=" and bound_a != "=":
            return _within(n_b, bound_a, n_a)  # type: ignore[arg-type]
    return False


def _within(value: float, bound: str, limit: float) -> bool:
    return value <= limit if bound == "<=" else value >= limit


ATTRIBUTE_LABELS = {"deadline": "时限", "approver": "审批人", "threshold": "审批金额", "limit": "数量或期限", "hours": "工作时间"}


def conflicts(documents: Iterable[Document]) -> list[Conflict]:
    """The candidates: each pair of facts of two different documents with one slot and values that disagree."""
    facts = [f for d in documents for f in facts_in(d)]
    by_slot: dict[tuple[str, tuple[str, ...]], list[Fact]] = {}
    for fact in facts:
        by_slot.setdefault((fact.attribute, fact.slot), []).append(fact)
    out = []
    for (attribute, slot), group in by_slot.items():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.clause.document_slug != b.clause.document_slug and not agree(a, b):
                    out.append(Conflict(a, b, _reason(attribute, slot, a, b)))
    return out


def _reason(attribute: str, slot: Sequence[str], a: Fact, b: Fact) -> str:
    subject = slot[1] if attribute == "deadline" else slot[0]
    return (f"同为“{subject}”的{ATTRIBUTE_LABELS[attribute]}：《{a.title}》{a.clause.anchor or '序言'}为“{a.text}”，"
            f"《{b.title}》{b.clause.anchor or '序言'}为“{b.text}”。")
