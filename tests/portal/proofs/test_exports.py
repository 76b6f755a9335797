"""The bulk export for an audit: queued by the web side, built by the job runner with progress, downloaded."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.models import Acknowledgement
from portal.releases.models import Regulation
from portal.tasks import state
from portal.tasks.runner import Runner
from tests.portal.proofs.conftest import pdf_text, squeezed
from tests.portal.proofs.test_proofs import signed

__all__ = ["signed"]


def _start(client: FlaskClient, **form: Any) -> int:
    answer = client.post("/hr/proofs/exports", data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return int(answer.headers["Location"].rsplit("/", 1)[1])


def _hr(client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any]) -> None:
    assert login(make_user("人事", roles={Role.HR}, department="人力资源部")).status_code == 302


def test_a_regulation_exported_as_a_zip_holds_one_checked_pdf_per_signer(
        app: Flask, client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session,
        signed: dict[str, Any]) -> None:
    _hr(client, login, make_user)
    sales = session.scalar(select(Regulation).where(Regulation.slug == "sales"))
    assert sales is not None
    job_id = _start(client, scope="regulation", regulation_id=sales.id, fmt="zip")
    queued = state.view(session, job_id)
    assert queued is not None and queued.status == "queued"  # the web request only queued it
    assert client.get(f"/hr/proofs/exports/{job_id}/file").status_code == 404
    assert "排队中" in client.get(f"/hr/proofs/exports/{job_id}").get_data(as_text=True)

    Runner(app)(job_id)  # what the consumer process does with the job id

    session.expire_all()
    done = state.view(session, job_id)
    assert done is not None and done.status == "done" and done.progress == 100, done
    assert "《销售管理制度》的全部签署记录" in done.message
    page = client.get(f"/hr/proofs/exports/{job_id}").get_data(as_text=True)
    assert "已完成" in page and f"/hr/proofs/exports/{job_id}/file" in page
    answer = client.get(f"/hr/proofs/exports/{job_id}/file", buffered=True)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    names = sorted(archive.namelist())
    zhang, li = signed["zhang"], signed["li"]
    assert names == sorted([f"{zhang.employee_no}-张三.pdf", f"{li.employee_no}-李四.pdf", "SHA256SUMS.txt"])
    sums = archive.read("SHA256SUMS.txt").decode()
    sales_acks = {a.user_id: a for a in session.scalars(select(Acknowledgement).where(Acknowledgement.regulation_id == sales.id))}
    for person in (zhang, li):
        name = f"{person.employee_no}-{person.name}.pdf"
        data = archive.read(name)
        assert f"{hashlib.sha256(data).hexdigest()}  {name}" in sums
        text = squeezed(pdf_text(data))
        ack = sales_acks[person.id]
        assert ack.record_hash in text and ack.text_sha256 in text and ack.ip in text
        assert "全部通过（1条）" in text and "差旅管理制度" not in text


def test_a_department_exported_as_one_pdf_holds_only_its_people(
        app: Flask, client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session,
        signed: dict[str, Any]) -> None:
    _hr(client, login, make_user)
    job_id = _start(client, scope="department", department="销售部", fmt="pdf")
    Runner(app)(job_id)
    answer = client.get(f"/hr/proofs/exports/{job_id}/file", buffered=True)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = pdf_text(answer.data)
    assert "张三" in text and "李四" not in text
    for ack in signed["acks"][0], signed["acks"][2]:
        assert ack.record_hash in squeezed(text)
    assert signed["acks"][1].ip not in text  # 李四 (市场部) signed from this address


def test_an_export_of_something_that_does_not_exist_is_refused_in_chinese_and_queues_nothing(
        client: FlaskClient, login: Callable[..., Any], make_user: Callable[..., Any], session: Session,
        signed: dict[str, Any]) -> None:
    _hr(client, login, make_user)
    for form, message in (({"scope": "department", "department": "销 售", "fmt": "zip"}, "请选择一个部门。"),
                          ({"scope": "regulation", "regulation_id": "99999999999999999999", "fmt": "zip"}, "请选择一项制度。"),
                          ({"scope": "everything", "fmt": "zip"}, "请选择导出范围和格式。"),
                          ({"scope": "regulation", "regulation_id": "1", "fmt": "exe"}, "请选择导出范围和格式。")):
        answer = client.post("/hr/proofs/exports", data=form)
        assert answer.status_code == 200 and message in answer.get_data(as_text=True), form
    assert state.recent(session) == []
