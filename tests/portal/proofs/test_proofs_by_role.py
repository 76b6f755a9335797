"""What each kind of account gets back from the proof routes: exactly the people it may see.

The world is the one of test_rows_by_role.py (each name found nowhere else; 销售乙 and 市场丙 signed):
a PDF's rows are the names its text holds.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import Role
from portal.acks.models import Acknowledgement
from tests.portal.proofs.conftest import pdf_text, squeezed
from tests.portal.test_rows_by_role import ACCOUNTS, EVERYONE, _names_in, _sign_in, company

__all__ = ["company"]  # the fixture, shared with the list and export checks
SIGNERS = {"销售乙": "销售部", "市场丙": "市场部"}


TEXTS: dict[str, str] = {}  # url → the last PDF's text without whitespace


def _pdf_names(client: Any, url: str) -> set[str] | None:
    answer = client.get(url)
    if answer.status_code != 200:
        assert answer.status_code in (403, 404), (url, answer.status_code)
        return None
    assert answer.mimetype == "application/pdf"
    text = pdf_text(answer.data)
    TEXTS[url] = squeezed(text)
    return _names_in(text)


def _may_print(viewer: str, person: str) -> bool:
    department, role = EVERYONE[viewer]
    if role in (Role.HR, Role.ADMIN):
        return True
    return role == Role.MANAGER and bool(department) and EVERYONE[person][0] == department


def _version_signers(viewer: str) -> set[str] | None:
    department, role = EVERYONE[viewer]
    if role in (Role.HR, Role.ADMIN):
        return set(SIGNERS)
    if role == Role.MANAGER:
        return {n for n, d in SIGNERS.items() if d == department and department}
    return None


def test_each_account_prints_exactly_the_people_it_may_see(app: Flask, company: dict[str, Any], session: Session) -> None:
    records = {a.user_id: a for a in session.scalars(select(Acknowledgement))}
    acks = {user_id: a.id for user_id, a in records.items()}
    checked = 0
    for viewer in EVERYONE:
        client = _sign_in(app, viewer, company)
        own = _pdf_names(client, "/my/signatures/proof.pdf")
        assert own == {viewer}, viewer  # the viewer's own records (and the "printed by" line), nobody else's
        for person in ("销售甲", "销售乙", "市场丙", "财务丁", "销售经理"):
            names = _pdf_names(client, f"/hr/proofs/people/{company[person].id}.pdf")
            if EVERYONE[viewer][1] not in (Role.HR, Role.ADMIN, Role.MANAGER):
                assert names is None, (viewer, person)  # the route is not theirs (403)
            elif _may_print(viewer, person):
                url = f"/hr/proofs/people/{company[person].id}.pdf"
                assert names is not None and person in names and names <= {viewer, person}, (viewer, person, names)
                signed = records.get(company[person].id)
                assert (signed is not None and signed.record_hash in TEXTS[url]) == (person in SIGNERS), (viewer, person)
                checked += 1
            else:
                assert names is None, (viewer, person)  # another department's person does not exist (404)
        for signer in SIGNERS:
            names = _pdf_names(client, f"/my/signatures/{acks[company[signer].id]}/proof.pdf")
            allowed = viewer == signer or EVERYONE[viewer][1] in (Role.HR, Role.ADMIN)
            assert (names is not None) == allowed, (viewer, signer)
            if names is not None:
                assert signer in names and names <= {viewer, signer}, (viewer, signer, names)
        wanted = _version_signers(viewer)
        names = _pdf_names(client, "/hr/proofs/regulations/sales/2026.1.pdf")
        if wanted is None:
            assert names is None, viewer
        else:
            assert names is not None and names - {viewer} == wanted - {viewer}, (viewer, names)
            checked += len(wanted)
    print(f"\nproofs by role: {checked} allowed answers checked over {len(EVERYONE)} accounts")
    assert checked >= 20


def test_only_hr_starts_or_downloads_an_audit_export(app: Flask, company: dict[str, Any]) -> None:
    regulation_id = 1
    for viewer, (_department, role) in ACCOUNTS.items():
        client = _sign_in(app, viewer, company)
        answer = client.post("/hr/proofs/exports", data={"scope": "regulation", "regulation_id": regulation_id, "fmt": "zip"})
        if role in (Role.HR, Role.ADMIN):
            assert answer.status_code == 302 and "/hr/proofs/exports/" in answer.headers["Location"], viewer
            job = answer.headers["Location"].rsplit("/", 1)[1]
            assert client.get(f"/hr/proofs/exports/{job}").status_code == 200
        else:
            assert answer.status_code == 403, viewer
            assert client.get("/hr/proofs/exports/1").status_code == 403
            assert client.get("/hr/proofs/exports/1/file").status_code == 403
