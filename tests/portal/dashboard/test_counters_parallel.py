"""The completion counters under parallel writers (issue 16 D2): signatures posted at once through a served
portal are all counted; signatures racing transfers, deactivations and a new rule leave the counters equal
to a full recount (SQLite's single writer; PostgreSQL's advisory locks, under ``scripts/with-postgres``)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from portal.access import Role
from portal.acks.keys import RecordSigner
from portal.acks.services import SignRequest, sign
from portal.admin.services import set_active
from portal.assignments.services import NewRule, add_rule
from portal.auth.models import User
from portal.auth.services import Profile, update_profile
from portal.clock import FixedClock
from portal.errors import HandbookError
from portal.extensions import db
from portal.releases.models import Regulation
from portal.signing_status import counters
from portal.signing_status.queries import DashboardFilter, completion_matrix
from tests.browser import serving
from tests.portal.conftest import PASSWORD
from tests.portal.parallel import at_once, post, session_cookie

DEPARTMENTS = ("销售部", "市场部", "财务部")
PEOPLE = 24


@pytest.fixture
def company(session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
            document: Callable[..., Any]) -> dict[str, Any]:
    publish("2026.1", document("sales", "销售管理制度", ["甲。"]), document("meetings", "会议管理制度", ["乙。"]))
    add_rule(session, clock, NewRule("all", "", None, 30))
    session.commit()
    people = [make_user(f"员工{i:02d}", department=DEPARTMENTS[i % 3]) for i in range(PEOPLE)]
    admin = make_user("管理员", roles={Role.ADMIN, Role.HR}, department="人力资源部")
    versions = {r.slug: r.current_version_id for r in session.scalars(select(Regulation))}
    return {"people": people, "admin": admin, "versions": versions}


def test_signatures_posted_at_once_are_all_counted(app: Flask, session: Session, clock: FixedClock,
                                                   company: dict[str, Any], record_signer: RecordSigner) -> None:
    # record_signer: the server key exists before the first signatures (its creation is not what is raced here)
    cookies = []
    for person in company["people"]:
        client = app.test_client()
        assert client.post("/login", data={"employee_no": person.employee_no, "password": PASSWORD}).status_code == 302
        cookies.append(session_cookie(client))
    version = company["versions"]["sales"]

    def send(i: int) -> Any:
        person = company["people"][i]
        return post(base, "/regulations/sales/sign", {"version_id": str(version), "confirm": "y", "full_name": person.name},
                    cookies[i])

    with serving(app) as base:
        answers = at_once(PEOPLE, send)
    assert Counter(a.status for a in answers) == {302: PEOPLE}
    assert counters.differences(session) == {}
    matrix = completion_matrix(session, DashboardFilter(), clock.today())
    sales = session.scalar(select(Regulation.id).where(Regulation.slug == "sales"))
    assert sales is not None
    assert matrix.by_regulation(sales).signed == PEOPLE
    assert {d: matrix.cell(d, sales).signed for d in DEPARTMENTS} == {d: PEOPLE // 3 for d in DEPARTMENTS}  # type: ignore[union-attr]


def test_signatures_racing_transfers_deactivations_and_a_rule_leave_the_counters_exact(
    app: Flask, session: Session, clock: FixedClock, record_signer: RecordSigner, company: dict[str, Any],
) -> None:
    with app.app_context():
        factory = sessionmaker(bind=db.engine, expire_on_commit=False)
    ids = [p.id for p in company["people"]]
    admin_id = company["admin"].id
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def in_own_session(work: Callable[[Session], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                barrier.wait(timeout=30)
                with factory() as own:
                    work(own)
            except BaseException as error:  # the test thread reports it
                errors.append(error)
        return run

    def signer(offset: int) -> Callable[[Session], None]:
        def work(own: Session) -> None:
            for user_id in ids[offset::5]:
                for version_id in company["versions"].values():
                    user = own.get(User, user_id)
                    assert user is not None
                    try:
                        sign(own, clock, SignRequest(user_id, version_id, True, user.name, "10.0.0.2", "race"), signer=record_signer)
                    except HandbookError:  # deactivated meanwhile: refused, and not counted either way
                        own.rollback()
                    else:
                        own.commit()
        return work

    def transfers(own: Session) -> None:
        admin = own.get(User, admin_id)
        for user_id in ids[::4]:
            user = own.get(User, user_id)
            assert user is not None and admin is not None
            moved = DEPARTMENTS[(DEPARTMENTS.index(user.department) + 1) % 3]
            update_profile(own, clock, user, Profile(user.name, user.email, moved, user.position, user.hire_date), actor=admin)
            own.commit()

    def deactivations(own: Session) -> None:
        admin = own.get(User, admin_id)
        for user_id in ids[1::6]:
            user = own.get(User, user_id)
            assert user is not None and admin is not None
            set_active(own, clock, user, False, actor=admin)
            own.commit()

    def new_rule(own: Session) -> None:
        add_rule(own, clock, NewRule("department", "市场部", None, 0, clock.today() + dt.timedelta(days=3)))
        own.commit()

    work = [signer(k) for k in range(5)] + [transfers, deactivations, new_rule]
    threads = [threading.Thread(target=in_own_session(w)) for w in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    session.expire_all()
    assert counters.differences(session) == {}
    counted = completion_matrix(session, DashboardFilter(), clock.today())
    assert counted.cells == completion_matrix(session, DashboardFilter(), clock.today(), scan=True).cells
    active = len(ids) - len(ids[1::6])
    assert counted.total.signed == 2 * active  # every active person signed both regulations
