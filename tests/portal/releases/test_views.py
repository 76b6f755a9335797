"""The publishing pages with a real task consumer: upload → draft with diff → submit → approve → published."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.releases.models import Draft, Regulation, RegulationVersion
from portal.tasks.consumer import ConsumerProcess

V1 = "销售管理制度\n第一章 总则\n第一条 为规范销售行为，特制定本制度。\n第二条 回款须在三十日内完成。\n"
V2 = V1.replace("三十日", "十五日") + "第三条 每月对账一次。\n"
MEETINGS = ["例会每周一召开。"]


@pytest.fixture
def consumer(app: Flask) -> Iterator[ConsumerProcess]:
    process = ConsumerProcess(app)
    process.start()
    yield process
    process.stop()


def _wait(session: Session, draft_id: int, statuses: set[str], seconds: float = 60) -> Draft:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        session.expire_all()
        draft = session.get(Draft, draft_id)
        if draft is not None and draft.status in statuses:
            return draft
        time.sleep(0.2)
    raise AssertionError(f"draft {draft_id} never reached {statuses}")


def _upload(client: FlaskClient, text: str, version: str) -> Any:
    return client.post(
        "/admin/publish",
        data={"files": [(BytesIO(text.encode("utf-8")), "sales.txt")], "version": version, "effective": "2026-03-02", "title": ""},
        content_type="multipart/form-data",
    )


@pytest.mark.slow
def test_an_upload_becomes_a_reviewed_approved_and_published_revision(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session,
    publish: Callable[..., Any], document: Callable[..., Any], consumer: ConsumerProcess,
) -> None:
    publish("2026.1", document("销售管理制度", "销售管理制度", ["为规范销售行为，特制定本制度。", "回款须在三十日内完成。"]),
            document("meetings", "会议管理制度", MEETINGS))
    hr = make_user("人事", roles={Role.HR})
    approver = make_user("审批人", roles={Role.APPROVER})
    login(hr)
    response = _upload(client, V2, "2026.2")
    assert response.status_code == 302
    draft_url = response.headers["Location"]
    draft = _wait(session, int(draft_url.rstrip("/").split("/")[-1]), {"draft", "failed"})
    assert draft.status == "draft", draft.comment

    page = client.get(draft_url).get_data(as_text=True)
    assert "实质修订" in page and "修订现行制度《销售管理制度》" in page
    assert "<del>三</del>十<ins>五</ins>日" in page  # 三十日 → 十五日, marked inline
    assert "每月对账一次" in page
    assert len(session.scalars(select(RegulationVersion)).all()) == 2  # nothing in force yet

    client.post(f"{draft_url}/submit", data={"summary": "回款期限缩短为十五日，新增对账"})
    assert "批准并发布" not in client.get(draft_url).get_data(as_text=True)  # the author cannot approve
    assert client.post(f"{draft_url}/approve").status_code == 403  # HR without the approver right

    client.post("/logout")
    login(approver)
    assert "批准并发布" in client.get(draft_url).get_data(as_text=True)
    approved = client.post(f"{draft_url}/approve")
    assert approved.status_code == 302 and "/admin/jobs/" in approved.headers["Location"]
    draft = _wait(session, draft.id, {"published"}, seconds=120)

    in_force = {r.slug: r for r in session.scalars(select(Regulation))}
    assert not in_force["meetings"].retired  # not in the upload: still in force
    sales = session.get(RegulationVersion, in_force["销售管理制度"].current_version_id)
    assert sales is not None and sales.label == "2026.2" and "对账" in sales.document_json

    # Site and search switched with the database: the new release is latest, the old one still there.
    listed = client.get("/site/versions.json", buffered=True)
    versions = listed.get_json()
    listed.close()
    assert [v["version"] for v in versions] == ["2026.2"] or versions[0]["version"] == "2026.2"
    assert "latest" in versions[0]["aliases"]
    page = client.get("/site/2026.2/regulations/销售管理制度/", buffered=True)
    assert page.status_code == 200 and "每月对账一次" in page.get_data(as_text=True)
    page.close()
    found = client.get("/search?q=对账").get_data(as_text=True)
    assert "共找到 1 条相关条款" in found and "第三条" in found  # the clause added by this release, at once


@pytest.mark.slow
def test_a_refused_file_shows_the_importers_reason_on_the_draft(
    client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session,
    consumer: ConsumerProcess,
) -> None:
    login(make_user("人事", roles={Role.HR}))
    response = client.post(
        "/admin/publish",
        data={"files": [(BytesIO(b"PK\x03\x04broken"), "broken.docx")], "version": "2026.9", "effective": "2026-05-01"},
        content_type="multipart/form-data",
    )
    draft_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    draft = _wait(session, draft_id, {"failed", "draft"})
    assert draft.status == "failed" and "broken.docx" in draft.comment
    assert "broken.docx" in client.get(response.headers["Location"]).get_data(as_text=True)
