"""A draft that removes or renumbers a cited clause warns in its preview (issue 13, D1)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.access import Role
from portal.clock import FixedClock
from portal.releases import drafts

SALES_IN_FORCE = ["为规范销售行为，特制定本制度。", "回款须在三十日内完成。", "本制度自发布之日起施行。"]
REVISED_WITHOUT_THE_SECOND = "销售管理制度\n第一章 总则\n第一条 为规范销售行为，特制定本制度。\n第二条 本制度自发布之日起施行。\n"


def _draft(session: Session, clock: FixedClock, tmp_path: Path, author: Any, text: str) -> Any:
    source = tmp_path / "销售管理制度.txt"
    source.write_text(text, encoding="utf-8")
    draft = drafts.create_draft(session, clock, drafts.NewDraft("2026.2", clock.today()), author)
    drafts.import_into_draft(session, draft.id, [source])
    session.commit()
    return draft


def test_a_clause_cited_by_another_regulation_removed_by_the_draft_is_named_in_its_preview(
    session: Session, clock: FixedClock, tmp_path: Path, make_user: Callable[..., Any],
    publish: Callable[..., Any], document: Callable[..., Any], client: FlaskClient, login: Callable[..., Any],
) -> None:
    hr = make_user("人事", roles={Role.HR})
    publish(
        "2026.1",
        document("sales", "销售管理制度", SALES_IN_FORCE),
        document("finance", "财务管理制度", ["销售回款按《销售管理制度》第二条执行。", "本制度由财务部解释。"]),
    )
    draft = _draft(session, clock, tmp_path, hr, REVISED_WITHOUT_THE_SECOND)

    warnings = drafts.broken_references(session, draft)
    assert [(w.citing, w.cited) for w in warnings] == [("财务管理制度", "销售管理制度")]
    assert "第二条" in warnings[0].message

    login(hr)
    page = client.get(f"/admin/drafts/{draft.id}").get_data(as_text=True)
    assert "引用检查" in page and "1 处引用将失效" in page and "《财务管理制度》 → 《销售管理制度》" in page


def test_a_draft_that_keeps_every_cited_clause_warns_about_nothing(
    session: Session, clock: FixedClock, tmp_path: Path, make_user: Callable[..., Any],
    publish: Callable[..., Any], document: Callable[..., Any], client: FlaskClient, login: Callable[..., Any],
) -> None:
    hr = make_user("人事", roles={Role.HR})
    publish(
        "2026.1",
        document("sales", "销售管理制度", SALES_IN_FORCE),
        document("finance", "财务管理制度", ["销售回款按《销售管理制度》第二条执行。"]),
    )
    text = "销售管理制度\n第一章 总则\n" + "".join(
        f"第{n}条 {t}\n" for n, t in zip("一二三", [*SALES_IN_FORCE[:1], "回款须在二十日内完成。", SALES_IN_FORCE[2]], strict=True)
    )
    draft = _draft(session, clock, tmp_path, hr, text)
    assert drafts.broken_references(session, draft) == []
    login(hr)
    assert "引用检查" not in client.get(f"/admin/drafts/{draft.id}").get_data(as_text=True)
