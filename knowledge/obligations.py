"""Duties with a time: who must do what, and when (每月28日前, 每周一, 每季度末, 签订后三日内, 次年1月15日前).

Pure: a clause's text in, :class:`Obligation` values out.  Each obligation keeps the clause it comes from
(its permalink) and a :class:`Schedule` normalised far enough to put it in a calendar (an RFC 5545
recurrence rule) or, for duties that start with an event (签订后三日内), to remind about them when the event
is recorded.  Descriptions of working hours (工作时间为每周一至周五…) are rules, not duties: not taken.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from domain.model import ClauseRef, Document
from domain.numerals import parse_numeral

Kind = Literal["daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly", "after-event", "once"]

_N = r"[零〇一二三四五六七八九十两\d]+"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_BY = r"(?P<by>前|之前|以前)?"
_UNITS = {"工作日": "workday", "个工作日": "workday", "日": "day", "天": "day", "小时": "hour",
          "周": "week", "个月": "month", "月": "month"}
_HOURS_WORDS = re.compile(r"工作时间|上班时间|作息|休息|营业时间|开放时间|工作日每天")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
_ROLE = r"[\u4e00-\u9fff]{0,10}?(?:部门负责人|负责人|部门|部|中心|办公室|经理|主管|总监|专员|人员|员工|员|主任|助理|秘书|小组|委员会|财务|出纳|会计|记录人|主持人|公司|总)"
_BY_ROLE = re.compile(rf"由(?P<who>{_ROLE})(?:负责|组织|牵头|统一|召集|主持|进行|编制|提交|汇总|制定|制订|整理|审核|签署|填写|分发|报送)")
_ACTOR = re.compile(rf"(?P<who>{_ROLE})(?:[（(][^）)]{{0,6}}[）)])?(?:应当|应|须|必须|负责|组织|牵头|将)")
_SUBJECT = re.compile(rf"^(?:[（(]?[一二三四五六七八九十\d]+[)）.、]\s*)?(?P<who>{_ROLE})(?:应|须|需|必须|要|每|于|在|将|负责|组织|对|按|向|报销|提交|完成|填写|检查|召开|核对)")

_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("yearly", re.compile(rf"次年(?P<month>{_N})月(?P<day>{_N})日{_BY}")),
    ("yearly", re.compile(rf"每年(?:度)?(?P<month>{_N})月(?:(?P<day>{_N})日|(?P<part>上旬|中旬|下旬|底|末))?{_BY}")),
    ("yearly", re.compile(r"每年(?:度)?(?:的)?第(?P<quarter>[一二三四1-4])季度(?P<part>初|末|底)?")),
    ("yearly", re.compile(r"每年(?:度)?(?:的)?(?P<part>年初|年底|年末|年中)")),
    ("yearly", re.compile(rf"每年(?:度)?(?:组织|进行|召开|开展|举行)(?P<times>{_N})次")),
    ("half-yearly", re.compile(r"每半年(?P<part>末|初)?")),
    ("quarterly", re.compile(rf"每(?:个)?季度(?:的)?(?:(?P<part>初|末|底|结束后)|第(?P<qmonth>{_N})个月)?(?:(?P<within>{_N})(?P<unit>个工作日|工作日|日|天)(?:内|之内|以内))?")),
    ("monthly", re.compile(rf"每(?:个)?月(?:的)?(?:(?P<day>{_N})日|(?P<part>初|底|末|中旬|上旬|下旬|月底|月末))?{_BY}")),
    ("weekly", re.compile(r"每(?:周|星期)(?P<weekday>[一二三四五六日天])?(?!至)")),
    ("daily", re.compile(r"每(?:日|天|个工作日)(?P<part>下班前|上班前|上午|下午|晚上|早上)?")),
    ("after-event", re.compile(rf"(?P<trigger>[\u4e00-\u9fff]{{1,8}}?)后[，,][^，。；]{{0,12}}?(?:在|于)(?P<within>{_N})(?P<unit>个工作日|工作日|小时|个月|日|天|周)(?:内|之内|以内)")),
    ("after-event", re.compile(rf"(?P<trigger>[\u4e00-\u9fff]{{1,8}}?)后(?P<within>{_N})(?P<unit>个工作日|工作日|小时|个月|日|天|周)(?:内|之内|以内)")),
    ("once", re.compile(rf"(?P<year>\d{{4}})年(?P<month>{_N})月(?P<day>{_N})日{_BY}(?!起|施行|生效|实施)")),
)
_TALLY = re.compile(r"[\u4e00-\u9fff]{0,3}?(?:累计|超过|不得超过|最多|享有)")
_COUNT = re.compile(rf"(?:至少|不少于)?(?:进行|召开|组织|开展|提交|举行)?(?P<count>{_N})次")


@dataclass(frozen=True)
class Schedule:
    """When a duty falls due.  ``part``: start/mid/end of the period; ``deadline``: by that day (…前)."""

    kind: Kind
    text: str
    day: int | None = None
    month: int | None = None
    weekday: int | None = None  # 0 = Monday
    part: str = ""
    deadline: bool = False
    within: int | None = None
    unit: str = ""  # after-event: day, workday, hour, week, month
    trigger: str = ""
    times: int | None = None  # 每月至少进行一次 → 1 per period
    date: dt.date | None = None

    def rrule(self) -> dict[str, object] | None:
        """The iCalendar recurrence (``FREQ``…), or ``None`` for duties that start with an event or a date."""
        if self.kind == "daily":
            return {"FREQ": "DAILY"}
        if self.kind == "weekly":
            return {"FREQ": "WEEKLY", **({"BYDAY": _ICAL_DAYS[self.weekday]} if self.weekday is not None else {})}
        if self.kind == "monthly":
            day = self.day or {"start": 1, "mid": 15, "end": -1}.get(self.part)
            return {"FREQ": "MONTHLY", **({"BYMONTHDAY": day} if day else {})}
        if self.kind == "quarterly":
            return {"FREQ": "MONTHLY", "INTERVAL": 3, **({"BYMONTHDAY": -1} if self.part == "end" else {"BYMONTHDAY": 1})}
        if self.kind == "half-yearly":
            return {"FREQ": "MONTHLY", "INTERVAL": 6, "BYMONTHDAY": -1 if self.part == "end" else 1}
        if self.kind == "yearly":
            rule: dict[str, object] = {"FREQ": "YEARLY"}
            if self.month:
                rule["BYMONTH"] = self.month
                rule["BYMONTHDAY"] = self.day or {"start": 1, "early": 5, "mid": 15, "late": 25, "end": -1}.get(self.part, 1)
            return rule
        return None

    def first_due(self, today: dt.date) -> dt.date | None:
        """The first due day on or after ``today`` (for the calendar page and the feed's DTSTART)."""
        if self.kind == "once":
            return self.date
        rule = self.rrule()
        if rule is None:
            return None
        for offset in range(0, 400):
            day = today + dt.timedelta(days=offset)
            if _matches(rule, day, self):
                return day
        return None

    def falls_on(self, day: dt.date) -> bool:
        """Whether the duty is due on ``day`` (the calendar's month view asks day by day)."""
        if self.kind == "once":
            return self.date == day
        rule = self.rrule()
        return rule is not None and _matches(rule, day, self)


_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _matches(rule: dict[str, object], day: dt.date, schedule: Schedule) -> bool:
    last = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    month_day = rule.get("BYMONTHDAY")
    day_ok = month_day is None or day.day == month_day or (month_day == -1 and day == last)
    if schedule.kind == "daily":
        return True
    if schedule.kind == "weekly":
        return day.weekday() == (0 if schedule.weekday is None else schedule.weekday)
    if schedule.kind == "monthly":
        return day_ok if month_day is not None else day.day == 1
    if schedule.kind in ("quarterly", "half-yearly"):
        step = 3 if schedule.kind == "quarterly" else 6
        months = range(step, 13, step) if month_day == -1 else range(1, 13, step)
        return day.month in months and day_ok
    return day.month == rule.get("BYMONTH", 1) and day_ok  # yearly


@dataclass(frozen=True)
class Obligation:
    """A duty: who (as the clause names them), what (the sentence), when (the schedule), where (the clause)."""

    clause: ClauseRef
    who: str
    what: str
    schedule: Schedule


def find_schedules(sentence: str) -> list[Schedule]:
    """The time expressions of one sentence, first match wins where two overlap."""
    if _HOURS_WORDS.search(sentence):
        return []
    found: list[tuple[int, int, Schedule]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            if any(a < match.end() and match.start() < b for a, b, _ in found):
                continue
            schedule = _schedule(kind, match, sentence)
            if schedule is not None:
                found.append((match.start(), match.end(), schedule))
    return [s for _, _, s in sorted(found, key=lambda f: f[0])]


def _num(value: str | None) -> int | None:
    return parse_numeral(value) if value else None


_PARTS = {"初": "start", "年初": "start", "上旬": "early", "中旬": "mid", "年中": "mid", "下旬": "late",
          "底": "end", "末": "end", "月底": "end", "月末": "end", "年底": "end", "年末": "end", "结束后": "after"}


def _schedule(kind: Kind, match: re.Match[str], sentence: str) -> Schedule | None:
    groups = {k: v for k, v in match.groupdict().items() if v}
    part = _PARTS.get(groups.get("part", ""), groups.get("part", ""))
    deadline = "by" in groups
    times = _times_after(sentence, match.end()) if kind in ("daily", "weekly", "monthly", "quarterly", "yearly") else None
    if kind == "after-event":
        # The lazy group starts at the sentence's start: keep what follows the last 在/于/须/应/并.
        trigger = re.split(r"[在于须应需并将]", groups["trigger"])[-1] or groups["trigger"]
        return Schedule(kind, match.group(), within=_num(groups["within"]), unit=_UNITS[groups["unit"]],
                        trigger=trigger, deadline=True)
    if _TALLY.match(sentence, match.end()):
        return None  # 每月累计三次的: a count that triggers a rule, not a duty
    if kind == "once":
        try:
            date = dt.date(int(groups["year"]), _num(groups["month"]) or 0, _num(groups["day"]) or 0)
        except ValueError:
            return None
        return Schedule(kind, match.group(), date=date, deadline=deadline)
    if kind == "yearly" and "times" in groups:
        return Schedule(kind, match.group(), times=_num(groups["times"]))
    if kind == "yearly" and "quarter" in groups:
        quarter = _num(groups["quarter"]) or 1
        month = (quarter - 1) * 3 + (3 if part == "end" else 1)
        return Schedule(kind, match.group(), month=month, part=part or "start", times=times)
    if kind == "yearly" and groups.get("part") in ("年初", "年底", "年末", "年中"):
        return Schedule(kind, match.group(), month={"start": 1, "mid": 6, "end": 12}[part], part=part, times=times)
    if kind == "weekly":
        weekday = _WEEKDAYS.get(groups.get("weekday", ""))
        return Schedule(kind, match.group(), weekday=weekday, times=times)
    if kind == "quarterly" and "within" in groups:
        return Schedule(kind, match.group(), part="end", within=_num(groups["within"]),
                        unit=_UNITS[groups["unit"]], deadline=True, times=times)
    if kind == "daily" and times is None and not groups.get("part") and not _has_duty_verb(sentence, match.end()):
        return None  # 每天 in a description (每天工作八小时) is not a duty
    return Schedule(kind, match.group(), day=_num(groups.get("day")), month=_num(groups.get("month")),
                    part=part, deadline=deadline, times=times)


_DUTY_VERBS = re.compile(r"提交|填写|报送|汇报|报告|检查|整理|召开|组织|进行|更新|核对|盘点|清点|统计|记录|巡查|打扫|清洁|备份|上报|总结|制订|制定|编制|审核|签署|归档|发放|结算|对账")


def _has_duty_verb(sentence: str, position: int) -> bool:
    return bool(_DUTY_VERBS.search(sentence, position, position + 20))


def _times_after(sentence: str, position: int) -> int | None:
    match = _COUNT.match(sentence, position) or _COUNT.search(sentence, position, position + 12)
    return _num(match.group("count")) if match else None


def who_of(sentence: str, fallback: str = "") -> str:
    """The person or unit a sentence puts the duty on: 由X负责…, else the sentence's subject."""
    match = _BY_ROLE.search(sentence) or _SUBJECT.search(sentence.strip()) or _ACTOR.search(sentence)
    return match.group("who") if match else fallback


def obligations_in(document: Document) -> list[Obligation]:
    """Every dated duty of one document, in reading order; a sentence's subject carries over to its clause."""
    out: list[Obligation] = []
    for section in document.walk():
        if not section.text:
            continue
        clause_who = who_of(section.text)
        for sentence in _SENTENCE.findall(section.text):
            for schedule in find_schedules(sentence):
                out.append(Obligation(ClauseRef(document.slug, section.anchor), who_of(sentence, clause_who),
                                      sentence.strip(), schedule))
    return out


def obligations(documents: Iterable[Document]) -> list[Obligation]:
    return [o for d in documents for o in obligations_in(d)]


def concerns(obligation: Obligation, department: str, position: str) -> bool:
    """Whether a duty is this person's: named by department or position, or put on everyone."""
    who = obligation.who
    if not who or who in ("员工", "全体员工", "工作人员", "人员", "全体人员"):
        return True
    return bool((department and (department in who or who in department)) or (position and (position in who or who in position)))


def describe(schedule: Schedule) -> str:
    """The schedule in words for the calendar list: 每月 28 日前, 每周一, 签订后 3 日内."""
    if schedule.kind == "after-event":
        unit = {"day": "日", "workday": "个工作日", "hour": "小时", "week": "周", "month": "个月"}[schedule.unit]
        return f"{schedule.trigger}后 {schedule.within} {unit}内"
    if schedule.kind == "once" and schedule.date is not None:
        return f"{schedule.date:%Y-%m-%d}" + ("前" if schedule.deadline else "")
    return schedule.text


def by_kind(items: Sequence[Obligation]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.schedule.kind] = counts.get(item.schedule.kind, 0) + 1
    return counts
