"""Finding 5 of the trust review: parallel submissions took the same "next number" and were lost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.formsdesk.models import FormDocument
from tests.browser import serving
from tests.portal.parallel import at_once, post, session_cookie

from .conftest import as_post, example

SUBMISSIONS = 30


def test_parallel_submissions_each_get_their_own_number(app: Flask, login: Callable[[str], FlaskClient],
                                                        session: Session) -> None:
    cookie = session_cookie(login("周敏"))
    data = as_post(example("meeting-minutes"), action="submit")
    with serving(app) as base:
        answers = at_once(SUBMISSIONS, lambda _i: post(base, "/forms/meeting-minutes/fill", data, cookie))
    statuses = Counter(a.status for a in answers)
    assert statuses == {302: SUBMISSIONS}, statuses
    numbers = sorted(session.scalars(select(FormDocument.number)))
    assert numbers == [f"HY-2026-{n:04d}" for n in range(1, SUBMISSIONS + 1)]
    assert sorted(a.location.rsplit("/", 1)[1] for a in answers) == numbers
