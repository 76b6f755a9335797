"""HR's version history of a regulation: who, why, how many signed; compare any two; roll back as a draft."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.releases import drafts
from portal.releases.models import Draft, RegulationVersion


def test_versions_compare_and_roll_back_through_a_draft(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session,
    publish: Callable[..., Any], document: Callable[..., Any],
) -> None:
    publish("2026.1", document("sales", "销售管理制度", ["回款须在三十日内完成。"]))
    publish("2026.2", document("sales", "销售管理制度", ["回款须在十五日内完成。"]))
    v1, v2 = session.scalars(select(RegulationVersion).order_by(RegulationVersion.id)).all()
    login(make_user("人事", roles={Role.HR}))

    page = client.get("/admin/regulations/sales/versions").get_data(as_text=True)
    assert "2026.1" in page and "2026.2" in page and "现行" in page
    compared = client.get(f"/admin/regulations/sales/versions?old={v1.id}&new={v2.id}").get_data(as_text=True)
    assert "<del>三</del>十<ins>五</ins>日" in compared

    response = client.post("/admin/regulations/sales/rollback",
                           data={"version_id": v1.id, "version": "2026.3", "effective": "2026-03-02"})
    assert response.status_code == 302 and "/admin/drafts/" in response.headers["Location"]
    draft = session.scalars(select(Draft)).one()
    assert draft.status == "draft" and draft.version == "2026.3"
    assert "三十日" in draft.release_json and "十五日" not in draft.release_json
    assert [p.status for p in drafts.plan_of(session, draft)] == ["substantive"]  # the old text, as a new version

    refused = client.post("/admin/regulations/sales/rollback",
                          data={"version_id": v2.id, "version": "2026.4", "effective": "2026-03-02"}, follow_redirects=True)
    assert "所选版本就是现行版本" in refused.get_data(as_text=True)


def test_the_versions_page_of_an_unknown_regulation_is_404(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    login(make_user("人事", roles={Role.HR}))
    assert client.get("/admin/regulations/nope/versions").status_code == 404
    assert client.get("/admin/regulations/nope/versions?old=abc&new=").status_code == 404
