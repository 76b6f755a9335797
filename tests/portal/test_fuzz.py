"""A route fuzzer: every route, every role, hostile parameters and bodies; no 500, nothing written on refusal.

For each route and role the fuzzer fills the route's parameters, the query
string and (for a POST) the body with values a careless or hostile client sends:
random, huge, negative, non-numeric, non-UTF-8, over-long, markup and SQL.  The
field names come from the portal's own forms (every ``FlaskForm`` and every
``name=`` of the pages a privileged account sees), so the values reach the views
rather than only the routing.  ``TESTING`` lets a view's exception propagate, so
any bug surfaces as an exception here, not as a polite error page.

A refusal writes nothing: after any answer of 400 or more, and after a POST that
did not redirect (a form shown again with its errors), no statement that writes
was committed (a failed login is recorded on purpose: its rows are not counted).
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

import portal.app  # noqa: F401  (imports every feature, so that every form class exists)
from portal.access import Role
from portal.clock import FixedClock
from portal.extensions import db
from tests.portal.conftest import PASSWORD
from tests.portal.world import ROLES, build_world

# Percent-encoded where they go into a URL: bytes that are not UTF-8, a NUL, a cut multi-byte character.
HOSTILE_PATH_VALUES = ["0", "-1", "99999999999999999999", "2147483648", "9223372036854775808", "abc", "1.5",
                       "%FF%FE", "%00", "%E4%B8", "..%2F..%2Fetc%2Fpasswd", "x" * 3000, "%3Cscript%3E", "中文"]
HOSTILE_VALUES = ["", "0", "-1", "-99999999999999999999", "99999999999999999999", "1e309", "NaN", "abc",
                  "\x00", "x" * 20_000, "<script>alert(1)</script>", "'; DROP TABLE users; --",
                  "../../etc/passwd", "=HYPERLINK(\"http://x\")", "中文" * 500, "2026-02-30", "9999-99-99",
                  "true", "[]", "{}"]
RAW_BODIES = [b"\xff\xfe\x00\x81" * 100, b"a=%FF%FE&b=%00&c=" + b"%E4" * 1000, b"=" * 5000 + b"&&&", b"\x00" * 10_000]
# Rows written on purpose by a refused login: the failure is what throttling counts, and it is audited.
WRITTEN_ON_REFUSAL = {"login_throttles", "audit_events"}
# Bookkeeping any request may write: the session's last use (for the idle timeout).
WRITTEN_BY_ANY_REQUEST = {"user_sessions"}
PER_ROUTE_AND_ROLE = 14


@dataclass
class Tally:
    requests: int = 0
    refusals_checked: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    def count(self, status: int) -> None:
        self.requests += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1


def _form_classes(base: type = FlaskForm) -> Iterator[type]:
    for sub in base.__subclasses__():
        yield sub
        yield from _form_classes(sub)


def _field_names(app: Flask, client: FlaskClient) -> list[str]:
    """Every field name the portal's forms and pages know: where hostile values do harm."""
    names = {"page", "q", "next", "only", "old", "new", "kind", "draft", "department", "actor", "action",
             "version_id", "target", "slug", "draft_id", "decision", "comment", "status", "fmt"}
    for form in _form_classes():
        names.update(key for key, value in vars(form).items() if isinstance(value, UnboundField))
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and not rule.arguments:
            with client.get(rule.rule, buffered=True) as response:
                page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""  # not a PDF
            names.update(re.findall(r'name="([^"]+)"', page))
    names.discard("csrf_token")
    return sorted(names)


class CommittedWrites:
    """The tables written by statements that were committed, seen on the engine itself.

    Cheaper and stricter than comparing table contents: a statement counts only once its transaction
    commits, so work a view did and rolled back (a refusal) is not a write."""

    WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)

    def __init__(self, engine: Engine) -> None:
        self.pending: dict[int, list[str]] = {}
        self.tables: list[str] = []
        event.listen(engine, "after_cursor_execute", self._executed)
        event.listen(engine, "commit", self._committed)
        event.listen(engine, "rollback", self._rolled_back)

    def _executed(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if match := self.WRITE.match(statement):
            self.pending.setdefault(id(conn), []).append(match.group(1))

    def _committed(self, conn: Any) -> None:
        self.tables.extend(self.pending.pop(id(conn), []))

    def _rolled_back(self, conn: Any) -> None:
        self.pending.pop(id(conn), None)

    def take(self) -> list[str]:
        tables, self.tables = self.tables, []
        return tables


def _path(rule: Rule, values: dict[str, Any], hostile: dict[str, str]) -> str:
    path = rule.rule
    for argument in rule.arguments:
        text = hostile.get(argument, quote(str(values[argument])))
        path = re.sub(rf"<(?:\w+:)?{argument}>", lambda _m, text=text: text, path)
    return path


@dataclass(frozen=True)
class Attempt:
    method: str
    url: str
    data: Any = None
    content_type: str | None = None

    def send(self, client: FlaskClient) -> Any:
        kwargs: dict[str, Any] = {"method": self.method, "buffered": True}
        if self.data is not None:
            kwargs["data"] = self.data
        if self.content_type:
            kwargs["content_type"] = self.content_type
        return client.open(self.url, **kwargs)


def _attempts(rule: Rule, values: dict[str, Any], names: list[str], rng: random.Random) -> list[Attempt]:
    """The pool of hostile requests for one route, sampled so every route gets each kind of abuse."""
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    pool: list[Attempt] = []
    for argument in rule.arguments:
        for value in HOSTILE_PATH_VALUES:
            pool.append(Attempt("GET" if "GET" in methods else "POST", _path(rule, values, {argument: value})))
    url = _path(rule, values, {})
    for value in HOSTILE_VALUES:
        query = "&".join(f"{name}={quote(value, safe='')}" for name in rng.sample(names, min(8, len(names))))
        pool.append(Attempt("GET" if "GET" in methods else "POST", f"{url}?{query}"))
    pool.append(Attempt("GET" if "GET" in methods else "POST", f"{url}?page=%FF&q=%FF%FE&next=%00"))
    if "POST" in methods:
        for value in HOSTILE_VALUES:
            pool.append(Attempt("POST", url, {name: value for name in names}))
            pool.append(Attempt("POST", url, {name: rng.choice(HOSTILE_VALUES) for name in rng.sample(names, 6)}))
        for body in RAW_BODIES:
            pool.append(Attempt("POST", url, body, "application/x-www-form-urlencoded"))
            pool.append(Attempt("POST", url, body, "multipart/form-data; boundary=zz"))
        pool.append(Attempt("POST", url, {"files": [(io.BytesIO(bytes(rng.randrange(256) for _ in range(4000))),
                                                      "规章.docx")], "version": "2026.%FF", "effective": "x"}))
        pool.append(Attempt("POST", url, {"files": [(io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\x00" * 600), "a.doc")]}))
    rng.shuffle(pool)
    # Every route keeps its path-parameter abuse; the rest is a sample.
    return pool[:PER_ROUTE_AND_ROLE] + [a for a in pool[PER_ROUTE_AND_ROLE:] if "?" not in a.url
                                        and a.data is None and a.url != url][:len(rule.arguments) * 4]


@pytest.fixture
def world(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any], publish: Callable[..., Any],
          document: Callable[..., Any]) -> dict[str, Any]:
    return build_world(record_signer, session, clock, make_user, publish, document)


def _signed_in(app: Flask, role: Role | None, world: dict[str, Any]) -> FlaskClient:
    client = app.test_client()
    if role is not None:
        user = world["users"][role]
        answer = client.post("/login", data={"employee_no": user.employee_no, "password": PASSWORD})
        assert answer.status_code == 302, role
    return client


def test_no_route_answers_500_or_writes_on_refusal(app: Flask, world: dict[str, Any]) -> None:
    admin = _signed_in(app, Role.ADMIN, world)
    names = _field_names(app, admin)
    tally = Tally()
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)
    with app.app_context():
        writes = CommittedWrites(db.engine)
    for role in ROLES:
        client = _signed_in(app, role, world)
        writes.take()
        for rule in rules:
            rng = random.Random(f"{rule.rule} {role}")
            for attempt in _attempts(rule, world["values"], names, rng):
                response = attempt.send(client)
                tally.count(response.status_code)
                where = f"{attempt.method} {attempt.url[:120]} as {role}: {response.status_code}"
                body = response.get_data()
                assert response.status_code < 500, where
                assert b"Traceback" not in body, where
                written = [t for t in writes.take() if t not in WRITTEN_BY_ANY_REQUEST
                           and not (rule.rule == "/login" and t in WRITTEN_ON_REFUSAL)]
                refused = response.status_code >= 400 or (attempt.method == "POST" and response.status_code < 300)
                if refused:
                    assert not written, f"written on refusal: {where}: {written}"
                    tally.refusals_checked += 1
                if attempt.method == "POST":  # it may have ended the session (logout, a new password)
                    client = _signed_in(app, role, world)
                    writes.take()
    print(f"\nfuzzer: {tally.requests} requests over {len(rules)} routes × {len(ROLES)} roles, "
          f"{tally.refusals_checked} refusals checked for writes; statuses {dict(sorted(tally.statuses.items()))}")
    assert tally.requests > len(rules) * len(ROLES) * 5


def test_the_write_detector_sees_committed_writes_only(app: Flask, session: Session, make_user: Callable[..., Any]) -> None:
    with app.app_context():
        writes = CommittedWrites(db.engine)
    user = make_user("甲")
    assert "users" in writes.take()
    user.name = "乙"
    session.flush()
    session.rollback()
    assert writes.take() == []
