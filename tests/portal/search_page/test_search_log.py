"""The search log (anonymous), HR's 检索分析 page, synonyms from a failed query, gaps; answers and numbers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from domain.model import Release
from domain.serialize import release_to_dict
from portal.access import Role
from portal.search_page import services
from portal.search_page.models import HandbookGap, SearchClick, SearchQuery, SearchSynonym

CLAUSES = ["员工迟到三次以上的，按公司规定给予处罚。", "回款须在三十日内完成，本制度第一条另有规定的除外。"]


@pytest.fixture
def indexed(tmp_path: Path, runner: Any, document: Callable[..., Any]) -> Path:
    release = Release("2026.1", "手册", dt.date(2026, 1, 1), (document("sales", "销售管理制度", CLAUSES),))
    releases = tmp_path / "handbook" / "releases"
    releases.mkdir(parents=True)
    (releases / "2026.1.json").write_text(json.dumps(release_to_dict(release), ensure_ascii=False), encoding="utf-8")
    from cli.main import main

    built = runner.invoke(main, ["--root", str(tmp_path), "index"])
    assert built.exit_code == 0, built.output
    return tmp_path


def test_a_search_is_logged_without_anyone_s_identity(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session, indexed: Path
) -> None:
    login(make_user("张三"))
    client.get("/search?q=回款 13812345678")
    client.get("/search?q=回款")
    rows = session.scalars(select(SearchQuery).order_by(SearchQuery.id)).all()
    assert [(r.query, r.release) for r in rows] == [("回款 ＊", "2026.1"), ("回款", "2026.1")]
    assert rows[1].total > 0
    columns = {c["name"] for c in inspect(session.get_bind()).get_columns("search_queries")}
    assert columns == {"id", "day", "query", "release", "total", "asks"}  # no user, session, address or time


def test_an_opened_hit_is_counted_and_only_local_targets_are_followed(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session, indexed: Path
) -> None:
    login(make_user())
    page = client.get("/search?q=回款").get_data(as_text=True)
    log_id = session.scalars(select(SearchQuery.id)).one()
    assert f"/search/open/{log_id}/1?to=" in page
    went = client.get(f"/search/open/{log_id}/1?to=/regulations/sales%23第二条")
    assert went.status_code == 302
    assert unquote(went.headers["Location"]).endswith("/regulations/sales#第二条")
    away = client.get(f"/search/open/{log_id}/1?to=https://evil.example/")
    assert away.headers["Location"].endswith("/search")
    assert client.get("/search/open/99999/1?to=/").status_code == 302  # an unknown search: nothing stored
    assert [c.rank for c in session.scalars(select(SearchClick))] == [1, 1]


def test_the_top_hit_shows_its_whole_clause_path_permalink_and_release(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], indexed: Path
) -> None:
    login(make_user())
    page = client.get("/search?q=回款").get_data(as_text=True)
    assert "最相关的条款" in page
    assert "第一章 总则 › 第二条" in page or "总则 › 第二条" in page
    assert "条款永久链接" in page and "/site/2026.1/" in page
    assert "2026.1 版" in page


def test_a_clause_number_query_marks_the_number(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], indexed: Path
) -> None:
    login(make_user())
    page = client.get("/search?q=第一条").get_data(as_text=True)
    assert '<mark class="number">第一条</mark>' in page
    mentioned = client.get("/search?q=第一条 回款").get_data(as_text=True)
    assert "本制度<mark>第一条</mark>" in mentioned  # the number where the text cites it, too


def test_hr_sees_failed_queries_and_a_synonym_added_from_one_makes_it_find_the_clause(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session, indexed: Path
) -> None:
    login(make_user("人事", roles={Role.HR}))
    assert "没有找到" in client.get("/search?q=扣薪").get_data(as_text=True)
    insights = client.get("/search/insights").get_data(as_text=True)
    assert "无结果的检索" in insights and ">扣薪</a>" in insights
    added = client.post("/search/synonyms", data={"word": "扣薪", "alternatives": "处罚"})
    assert added.status_code == 302
    assert session.scalars(select(SearchSynonym.alternatives)).one() == "处罚"
    found = client.get("/search?q=扣薪").get_data(as_text=True)
    assert "<mark>处罚</mark>" in found and "没有找到" not in found
    removed = client.post(f"/search/synonyms/{session.scalars(select(SearchSynonym.id)).one()}/delete")
    assert removed.status_code == 302
    assert "没有找到" in client.get("/search?q=扣薪").get_data(as_text=True)


def test_a_synonym_the_search_would_cut_is_refused_in_chinese(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], indexed: Path
) -> None:
    login(make_user(roles={Role.HR}))
    refused = client.post("/search/synonyms", data={"word": "迟到几次扣钱", "alternatives": "处罚"})
    assert refused.status_code == 400
    assert "会切分为：迟到 / 几次 / 扣钱" in refused.get_data(as_text=True)
    empty = client.post("/search/synonyms", data={"word": "扣薪", "alternatives": " "})
    assert empty.status_code == 400 and "请填写制度中使用的词" in empty.get_data(as_text=True)


def test_hr_notes_a_gap_and_closes_it(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session, indexed: Path
) -> None:
    login(make_user(roles={Role.HR}))
    client.post("/search/gaps", data={"query": "年假几天", "note": "制度未规定年假"})
    assert "制度未规定年假" in client.get("/search/insights").get_data(as_text=True)
    gap = session.scalars(select(HandbookGap)).one()
    client.post(f"/search/gaps/{gap.id}/close")
    session.expire_all()
    assert session.get(HandbookGap, gap.id).closed is True  # type: ignore[union-attr]
    assert "制度未规定年假" not in client.get("/search/insights").get_data(as_text=True)
    assert client.post("/search/gaps/424242/close").status_code == 404


def test_only_hr_sees_the_insights(client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any]) -> None:
    login(make_user())
    assert client.get("/search/insights").status_code == 403
    assert client.post("/search/synonyms", data={"word": "扣薪", "alternatives": "处罚"}).status_code == 403


def test_counts_per_week_zero_results_no_clicks_and_retention(session: Session) -> None:
    monday = dt.date(2026, 11, 30)
    first = services.record_search(session, monday, "回款", release="r", total=3)
    services.record_search(session, monday + dt.timedelta(days=2), "回款", release="r", total=3)
    services.record_search(session, monday, "扣薪", release="r", total=0)
    services.record_search(session, monday - dt.timedelta(days=1), "上周的", release="r", total=1)
    services.record_click(session, first, 2)
    since, until = services.week_of(monday + dt.timedelta(days=3))
    week = services.query_counts(session, since, until)
    assert [(r.query, r.count, r.clicks) for r in week] == [("回款", 2, 1), ("扣薪", 1, 0)]
    assert [r.query for r in services.query_counts(session, since, until, zero_results=True)] == ["扣薪"]
    unclicked = services.query_counts(session, monday - dt.timedelta(days=7), until, zero_results=False, clicked=False)
    assert [r.query for r in unclicked] == ["上周的"]
    assert services.weeks_with_queries(session) == [monday, monday - dt.timedelta(days=7)]
    later = monday + dt.timedelta(days=2 + services.RETENTION_DAYS + 1)  # after the last one expired
    services.record_search(session, later, "新的", release="r", total=1)  # the day's first search prunes
    assert session.scalars(select(SearchQuery.query)).all() == ["新的"]
    assert session.scalars(select(SearchClick)).all() == []
