"""职责日历, the duties on a reading page, and the tokened iCalendar feed (parsed back with icalendar)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy.orm import Session

from portal.auth.models import User
from portal.clock import FixedClock
from portal.duties.services import duties_in_force, month_of, parse_month, whose

CLAUSES = [
    "为规范销售与财务工作，制定本制度。",
    "销售部每月28日前提交下月销售计划。",
    "财务部每季度末编制费用分析报告。",
    "销售主管每周一召开销售例会。",
    "合同签订后三个工作日内，业务员应将合同原件交财务部存档。",
]


def arrange(publish: Callable[..., Any], document: Callable[..., Any], make_user: Callable[..., User]) -> dict[str, User]:
    publish("2026.1", document("sales", "销售管理制度", CLAUSES))
    return {"sales": make_user("王销售", department="销售部"), "finance": make_user("李财务", department="财务部")}


def text_of(response: Any) -> str:
    return unquote(response.get_data(as_text=True))


def test_the_calendar_shows_a_departments_duties_on_their_days_with_links_to_the_clauses(
    client: FlaskClient, login: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    people = arrange(publish, document, make_user)
    login(people["sales"])
    page = text_of(client.get("/duties"))  # first visit: one's own department (销售部), March 2026
    assert "2026 年 3 月" in page
    grid = page.split('class="month-grid"')[1].split("</table>")[0]
    day_28 = grid.split('<span class="day-no">28</span>')[1].split("</td>")[0]
    assert 'href="/regulations/sales#第二条"' in day_28 and "销售部" in day_28
    assert "财务部每季度末" not in page  # another department's duty
    assert "事件发生后限期完成" not in page  # the contract duty is on 业务员

    finance = text_of(client.get("/duties?department=财务部&position=&month=2026-03"))
    day_31 = finance.split('class="month-grid"')[1].split('<span class="day-no">31</span>')[1].split("</td>")[0]
    assert 'href="/regulations/sales#第三条"' in day_31
    assert "销售部每月28日前" not in finance

    everyone = text_of(client.get("/duties?department=&position=&month=2026-04"))
    assert "2026 年 4 月" in everyone and "事件发生后限期完成" in everyone and "合同签订后 3 个工作日内" in everyone
    mondays = everyone.split("day-list")[1]
    assert "4 月 6 日 · 周一" in mondays and "销售主管" in mondays


def test_odd_calendar_parameters_fall_back_instead_of_failing(
    client: FlaskClient, login: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    people = arrange(publish, document, make_user)
    login(people["sales"])
    for query in ("month=2026-13", "month=abc", "month=99999-1", "department=<script>", "position=" + "长" * 500):
        response = client.get(f"/duties?{query}")
        assert response.status_code == 200, query
        assert "<script>" not in response.get_data(as_text=True).split("<main")[1]


def test_a_regulations_reading_page_lists_its_duties(
    client: FlaskClient, login: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    people = arrange(publish, document, make_user)
    login(people["finance"])
    page = text_of(client.get("/regulations/sales"))
    section = page.split('id="duties"')[1].split("</section>")[0]
    assert section.count('class="duty"') == 4
    assert '<a class="duty-clause" href="#第三条">第三条</a>' in section and "每季度末" in section


def test_the_feed_is_a_valid_calendar_of_ones_own_duties_and_its_token_can_be_replaced_or_revoked(
    client: FlaskClient, login: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User], session: Session,
) -> None:
    people = arrange(publish, document, make_user)
    login(people["sales"])
    assert "还没有订阅地址" in text_of(client.get("/my/duties"))
    url = feed_url_of(client.post("/my/duties/feed", follow_redirects=True))
    path = url.removeprefix("http://127.0.0.1:8000")

    anonymous = client.application.test_client()
    answer = anonymous.get(path)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    calendar = Calendar.from_ical(answer.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"销售部每月28日前提交下月销售计划。"}  # 财务部 and 销售主管 are others' duties
    event = events["销售部每月28日前提交下月销售计划。"]
    assert event.decoded("dtstart") == dt.date(2026, 3, 28)
    assert event["rrule"]["FREQ"] == ["MONTHLY"] and event["rrule"]["BYMONTHDAY"] == [28]
    assert unquote(str(event["url"])) == "http://127.0.0.1:8000/regulations/sales#第二条"
    assert event.walk("VALARM")[0].decoded("trigger") == -dt.timedelta(days=1)
    assert "使用中" in text_of(client.get("/my/duties")) and url not in text_of(client.get("/my/duties"))

    second = feed_url_of(client.post("/my/duties/feed", follow_redirects=True))
    assert second != url
    assert anonymous.get(path).status_code == 404  # the old address stops working
    assert anonymous.get(second.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert client.post("/my/duties/feed/revoke").status_code == 302
    assert anonymous.get(second.removeprefix("http://127.0.0.1:8000")).status_code == 404
    assert anonymous.get("/duties/feed/" + "x" * 300 + ".ics").status_code == 404


def test_a_deactivated_persons_feed_answers_nothing(
    client: FlaskClient, login: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User], session: Session,
) -> None:
    people = arrange(publish, document, make_user)
    login(people["sales"])
    path = feed_url_of(client.post("/my/duties/feed", follow_redirects=True)).removeprefix("http://127.0.0.1:8000")
    user = session.get(User, people["sales"].id)
    assert user is not None
    user.active = False
    session.commit()
    assert client.application.test_client().get(path).status_code == 404


def feed_url_of(response: Any) -> str:
    assert response.status_code == 200
    match = re.search(r'class="feed-url"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the new address is shown"
    return match.group(1)


def test_month_of_puts_daily_duties_above_and_event_duties_below(
    session: Session, publish: Callable[..., Any], document: Callable[..., Any], clock: FixedClock,
) -> None:
    publish("2026.1", document("cash", "现金管理制度", ["出纳每日下班前核对库存现金。", "收到发票后五日内报销。",
                                                   "仓库管理员每月末对库存物品进行盘点。"]))
    duties = duties_in_force(session)
    month = month_of(duties, parse_month("2027-02", clock.today()), clock.today())
    assert [d.obligation.who for d in month.daily] == ["出纳"]
    assert [d.anchor for d in month.undated] == ["第二条"]
    assert [(day.date, [d.anchor for d in day.duties]) for day in month.days_with_duties] == [(dt.date(2027, 2, 28), ["第三条"])]
    assert len(whose(duties, "财务部", "出纳")) == 2  # 出纳, and the sentence that names nobody
    assert parse_month("2026-13", dt.date(2026, 5, 9)) == dt.date(2026, 5, 1)


def test_hr_stops_a_persons_feed_on_their_page(
    client: FlaskClient, login: Callable[..., Any], publish: Callable[..., Any], document: Callable[..., Any],
    make_user: Callable[..., User],
) -> None:
    from portal.access import Role

    people = arrange(publish, document, make_user)
    hr = make_user("人事", roles={Role.HR}, department="人力资源部")
    login(people["sales"])
    path = feed_url_of(client.post("/my/duties/feed", follow_redirects=True)).removeprefix("http://127.0.0.1:8000")
    client.post("/logout")
    login(hr)
    page = client.get(f"/admin/users/{people['sales'].id}").get_data(as_text=True)
    assert "正在使用" in page.split('id="duty-feed"')[1]
    answer = client.post(f"/hr/duties/feeds/{people['sales'].id}/revoke", follow_redirects=True)
    assert "已停用此人的职责日历订阅地址" in answer.get_data(as_text=True)
    assert "此人没有订阅地址" in answer.get_data(as_text=True)
    assert client.application.test_client().get(path).status_code == 404
