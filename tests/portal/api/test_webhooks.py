"""Signed webhooks: a real HTTP receiver on loopback checks every signature; retries run through the task runner."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.acks.services import SignRequest, sign
from portal.api.models import WebhookDelivery, WebhookEndpoint
from portal.api.tasks import KIND
from portal.api.webhooks import (
    MAX_ATTEMPTS,
    NewEndpoint,
    add_endpoint,
    backoff,
    set_endpoint_active,
    verify_signature,
)
from portal.clock import FixedClock
from portal.errors import ValidationFailed
from portal.releases.models import RegulationVersion
from portal.tasks.consumer import run_periodic
from portal.tasks.models import Task
from portal.tasks.queue import build_queue
from portal.tasks.runner import Runner
from tests.portal.auth.slapd import free_port

SECRET = "receiver-secret-0123456789"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    valid: bool


@dataclass
class Receiver:
    """What the loopback receiver got; it answers 500 to the first ``fail_first`` requests."""

    port: int
    fail_first: int = 0
    requests: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            # The portal's clock is the tests' fixed one, months from the real time: the replay window is
            # checked in test_signatures_are_checked_by_receivers, the MAC here.
            valid = verify_signature(SECRET, self.headers.get("X-Handbook-Timestamp", ""), body,
                                     self.headers.get("X-Handbook-Signature", ""), now=time.time(), tolerance=10**9)
            state.requests.append(Received(dict(self.headers), body, valid))
            status = 500 if len(state.requests) <= state.fail_first else (200 if valid else 401)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def sweep(app: Flask) -> int:
    """What a consumer does at each sweep: the periodic checks, then the queued delivery tasks."""
    runner, queue = Runner(app), build_queue(app.config)
    run_periodic(runner, queue)
    with Session(runner.engine) as session:
        queued = list(session.scalars(select(Task.id).where(Task.kind == KIND, Task.status == "queued")))
    for job_id in queued:
        runner(job_id)
    return len(queued)


@pytest.fixture
def signing(record_signer: Any, session: Session, clock: FixedClock, make_user: Callable[..., Any],
            publish: Callable[..., Any], document: Callable[..., Any]) -> Callable[[], Any]:
    publish("2026.1", document("sales", "销售管理制度", ["遵守合同。"]))
    user = make_user("签署人", employee_no="W0001", department="销售部")
    version = session.scalars(select(RegulationVersion)).one()

    def sign_now() -> Any:
        ack = sign(session, clock, SignRequest(user.id, version.id, True, user.name, "1.1.1.1", "t"), signer=record_signer)
        session.commit()
        return ack

    return sign_now


def deliveries(session: Session) -> list[WebhookDelivery]:
    session.expire_all()
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_signature_is_pushed_signed_to_the_receiver(app: Flask, session: Session, clock: FixedClock,
                                                      receiver: Receiver, signing: Callable[[], Any]) -> None:
    add_endpoint(session, clock, NewEndpoint(receiver.url, frozenset({"ack.signed"}), SECRET))
    session.commit()
    ack = signing()
    assert [d.status for d in deliveries(session)] == ["pending"]
    assert sweep(app) == 1
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got.valid and got.headers["X-Handbook-Event"] == "ack.signed"
    assert int(got.headers["X-Handbook-Timestamp"]) == int(clock.now().timestamp())
    payload = json.loads(got.body)
    assert payload["event"] == "ack.signed" and payload["id"] == got.headers["X-Handbook-Delivery"]
    assert payload["data"]["employee_no"] == "W0001"
    assert (payload["data"]["regulation"], payload["data"]["version"], payload["data"]["record_hash"]) == \
        ("sales", "2026.1", ack.record_hash)
    [delivery] = deliveries(session)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert sweep(app) == 0 and len(receiver.requests) == 1  # nothing due: no task, no second post


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    app: Flask, session: Session, clock: FixedClock, receiver: Receiver, signing: Callable[[], Any]
) -> None:
    receiver.fail_first = 2
    add_endpoint(session, clock, NewEndpoint(receiver.url, frozenset({"ack.signed"}), SECRET))
    session.commit()
    signing()
    sweep(app)
    [delivery] = deliveries(session)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500")
    assert delivery.next_attempt_at == clock.now().replace(tzinfo=None) + backoff(1)
    clock.advance(dt.timedelta(seconds=29))
    assert sweep(app) == 0 and len(receiver.requests) == 1  # not due yet
    clock.advance(dt.timedelta(seconds=1))
    sweep(app)
    assert deliveries(session)[0].attempts == 2 and len(receiver.requests) == 2
    clock.advance(backoff(2))
    sweep(app)
    [delivery] = deliveries(session)
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert all(r.valid for r in receiver.requests)
    assert len({r.headers["X-Handbook-Delivery"] for r in receiver.requests}) == 1  # the same event, three times
    assert len({r.headers["X-Handbook-Timestamp"] for r in receiver.requests}) == 3  # each signed anew


def test_an_unreachable_receiver_fails_for_good_after_the_last_attempt(
    app: Flask, session: Session, clock: FixedClock, signing: Callable[[], Any]
) -> None:
    add_endpoint(session, clock, NewEndpoint(f"http://127.0.0.1:{free_port()}/gone", frozenset({"ack.signed"}), SECRET))
    session.commit()
    signing()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        sweep(app)
        [delivery] = deliveries(session)
        assert delivery.attempts == attempt and delivery.last_error
        clock.advance(backoff(attempt))
    assert deliveries(session)[0].status == "failed"
    assert sweep(app) == 0


def test_events_go_to_subscribed_active_endpoints_only(
    app: Flask, session: Session, clock: FixedClock, receiver: Receiver, publish: Callable[..., Any],
    document: Callable[..., Any], signing: Callable[[], Any]
) -> None:
    releases_only = add_endpoint(session, clock, NewEndpoint(receiver.url + "?r", frozenset({"release.published"}), SECRET))
    stopped = add_endpoint(session, clock, NewEndpoint(receiver.url + "?s", frozenset({"ack.signed", "release.published"}), SECRET))
    set_endpoint_active(session, clock, stopped, False)
    session.commit()
    signing()
    publish("2026.2", document("sales", "销售管理制度", ["遵守新合同。"]))
    sweep(app)
    rows = deliveries(session)
    assert [(d.endpoint_id, d.event, d.status) for d in rows] == [(releases_only.id, "release.published", "delivered")]
    [got] = receiver.requests
    assert json.loads(got.body)["data"]["version"] == "2026.2" and got.valid


def test_a_refused_signature_sends_nothing(app: Flask, session: Session, clock: FixedClock, receiver: Receiver,
                                          record_signer: Any, make_user: Callable[..., Any],
                                          publish: Callable[..., Any], document: Callable[..., Any]) -> None:
    # sign() ends its own transaction (portal/acks/append.py): a refused signature rolls back with its outbox row.
    from portal.errors import AlreadySigned

    publish("2026.1", document("sales", "销售管理制度", ["遵守合同。"]))
    add_endpoint(session, clock, NewEndpoint(receiver.url, frozenset({"ack.signed"}), SECRET))
    session.commit()
    user = make_user("反悔者")
    version = session.scalars(select(RegulationVersion)).one()
    request = SignRequest(user.id, version.id, True, user.name, "1.1.1.1", "t")
    sign(session, clock, request, signer=record_signer)
    with pytest.raises(AlreadySigned):
        sign(session, clock, request, signer=record_signer)
    assert len(deliveries(session)) == 1


def test_signatures_are_checked_by_receivers() -> None:
    from portal.api.webhooks import sign_body

    body = b'{"event":"ack.signed"}'
    mac = sign_body(SECRET, 1_800_000_000, body)
    assert verify_signature(SECRET, "1800000000", body, mac, now=1_800_000_100)
    assert not verify_signature(SECRET, "1800000000", body + b" ", mac, now=1_800_000_100)  # body changed
    assert not verify_signature("another-secret-xxxxxxxx", "1800000000", body, mac, now=1_800_000_100)
    assert not verify_signature(SECRET, "1800000000", body, mac, now=1_800_000_000 + 301)  # a replay, too late
    assert not verify_signature(SECRET, "-1", body, mac, now=0)


@pytest.mark.parametrize(("url", "events"), [("ftp://x.example/h", {"ack.signed"}), ("http:///nohost", {"ack.signed"}),
                                             ("https://ok.example/h", set()), ("https://ok.example/h", {"nope"})])
def test_bad_endpoints_are_refused_in_chinese(session: Session, clock: FixedClock, url: str, events: set[str]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_endpoint(session, clock, NewEndpoint(url, frozenset(events)))
    assert refused.value.user_message and session.scalars(select(WebhookEndpoint)).all() == []
