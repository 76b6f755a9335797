"""Signed webhooks: events written to an outbox in the transaction that caused them, delivered by a task.

* **Outbox.** When a flush inserts an acknowledgement or a release record, a delivery row per subscribed
  endpoint is added to the same session (an ORM ``after_flush`` listener), so an event exists exactly when
  its cause was committed; a rolled-back signature sends nothing.  The listener lets the signing and
  publishing services stay unaware of webhooks.
* **Signature.** Each POST carries ``X-Handbook-Timestamp`` (Unix seconds) and ``X-Handbook-Signature:
  sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret>``; a receiver recomputes it
  and refuses old timestamps (replays).  ``X-Handbook-Delivery`` is the event id, for de-duplication.
* **Retries.** The task ``deliver_webhooks`` (portal/api/tasks.py) posts what is due; a failure waits
  30 s, 1, 2, 4 … minutes (:func:`backoff`) and is retried by a later task, up to :data:`MAX_ATTEMPTS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.acks.models import Acknowledgement
from portal.api.models import WebhookDelivery, WebhookEndpoint
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import Clock, naive_utc
from portal.errors import ValidationFailed
from portal.releases.models import Regulation, RegulationVersion, ReleaseRecord

log = logging.getLogger(__name__)

EVENTS: dict[str, str] = {"ack.signed": "员工签署制度", "release.published": "发布新版本"}
MAX_ATTEMPTS = 8
FIRST_WAIT = dt.timedelta(seconds=30)
TIMEOUT_SECONDS = 10.0


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, … (doubling, at most 6 hours)."""
    wait: dt.timedelta = FIRST_WAIT * (2 ** max(attempts - 1, 0))
    return min(wait, dt.timedelta(hours=6))


def sign_body(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str, now: float,
                     tolerance: float = 300.0) -> bool:
    """What a receiver does (and the tests' receiver): the MAC matches and the timestamp is recent."""
    if not (timestamp.isascii() and timestamp.isdigit()) or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign_body(secret, int(timestamp), body), signature)


# ---- configuration ----

@dataclass(frozen=True)
class NewEndpoint:
    url: str
    events: frozenset[str]
    secret: str = ""


def add_endpoint(session: Session, clock: Clock, new: NewEndpoint, *, actor: User | None = None,
                 ip: str = "") -> WebhookEndpoint:
    parts = urlsplit(new.url.strip())
    errors: dict[str, str] = {}
    if parts.scheme not in ("http", "https") or not parts.hostname or len(new.url) > 500:
        errors["url"] = "请填写以 http:// 或 https:// 开头的接收地址。"
    if not new.events or not new.events <= set(EVENTS):
        errors["events"] = "请至少选择一种事件。"
    if new.secret and len(new.secret) < 16:
        errors["secret"] = "签名密钥至少 16 位（留空则自动生成）。"
    if errors:
        raise ValidationFailed(f"webhook endpoint refused: {sorted(errors)}", next(iter(errors.values())), errors)
    endpoint = WebhookEndpoint(url=new.url.strip(), secret=new.secret or secrets.token_urlsafe(32),
                               events=" ".join(sorted(new.events)), active=True, created_at=naive_utc(clock.now()))
    session.add(endpoint)
    session.flush()
    audit(session, clock, "webhook_changed", actor=actor, ip=ip, target=endpoint.url,
          detail="新增推送地址：" + "、".join(EVENTS[e] for e in sorted(new.events)))
    return endpoint


def set_endpoint_active(session: Session, clock: Clock, endpoint: WebhookEndpoint, active: bool, *,
                        actor: User | None = None, ip: str = "") -> None:
    if endpoint.active != active:
        endpoint.active = active
        audit(session, clock, "webhook_changed", actor=actor, ip=ip, target=endpoint.url,
              detail="启用推送地址" if active else "停用推送地址")


# ---- the outbox ----

def _iso(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def _ack_data(session: Session, ack: Acknowledgement) -> dict[str, Any]:
    user = session.get(User, ack.user_id)
    regulation = session.get(Regulation, ack.regulation_id)
    version = session.get(RegulationVersion, ack.version_id)
    return {
        "id": ack.id, "employee_no": user.employee_no if user else "", "name": ack.signed_name,
        "department": user.department if user else "", "regulation": regulation.slug if regulation else "",
        "version": version.release.version if version else "", "signed_at": _iso(ack.signed_at),
        "text_sha256": ack.text_sha256, "record_hash": ack.record_hash,
    }


def _release_data(release: ReleaseRecord) -> dict[str, Any]:
    return {"version": release.version, "title": release.title, "effective": release.effective.isoformat(),
            "published_at": _iso(release.published_at)}


def _queue(session: Session, kind: str, data: dict[str, Any], now: dt.datetime) -> None:
    endpoints = [e for e in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True)))
                 if kind in e.event_set]
    if not endpoints:
        return
    event_id = str(uuid.uuid4())
    body = json.dumps({"id": event_id, "event": kind, "occurred_at": _iso(now), "data": data}, ensure_ascii=False,
                      sort_keys=True)
    for endpoint in endpoints:
        session.add(WebhookDelivery(endpoint_id=endpoint.id, event=kind, event_id=event_id, payload=body,
                                    status="pending", attempts=0, last_error="", created_at=now, next_attempt_at=now))


def queue_signature(session: Session, ack: Acknowledgement) -> None:
    """Signing writes its record in SQL (portal/acks/append.py), unseen by the ORM hook: it calls this
    in its own transaction instead."""
    with session.no_autoflush:
        _queue(session, "ack.signed", _ack_data(session, ack), ack.signed_at)


def _record_events(session: Session, _context: object) -> None:
    """ORM hook: the acknowledgements and releases this flush inserted become outbox rows (same transaction)."""
    created = [o for o in session.new if isinstance(o, Acknowledgement | ReleaseRecord)]
    if not created:
        return
    with session.no_autoflush:
        for item in created:
            # The event's own time (from the service's clock) dates it: the listener has no clock of its own.
            if isinstance(item, Acknowledgement):
                _queue(session, "ack.signed", _ack_data(session, item), item.signed_at)
            else:
                _queue(session, "release.published", _release_data(item), item.published_at)


def install_outbox() -> None:
    """Listen on every ORM session (the web's, the consumer's, the tests'); idempotent."""
    if not event.contains(Session, "after_flush", _record_events):
        event.listen(Session, "after_flush", _record_events)


# ---- delivery ----

Poster = Callable[[str, bytes, dict[str, str]], int]


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the status (raises OSError on network failure)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def due_deliveries(session: Session, now: dt.datetime, limit: int = 100) -> list[WebhookDelivery]:
    return list(session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= naive_utc(now))
        .order_by(WebhookDelivery.id).limit(limit)
    ))


def deliver(delivery: WebhookDelivery, now: dt.datetime, post: Poster = http_post) -> bool:
    """One attempt: signed POST, then the row says what happened and when to try again."""
    body = delivery.payload.encode("utf-8")
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "handbook-webhooks/1",
        "X-Handbook-Event": delivery.event, "X-Handbook-Delivery": delivery.event_id,
        "X-Handbook-Timestamp": str(timestamp),
        "X-Handbook-Signature": sign_body(delivery.endpoint.secret, timestamp, body),
    }
    delivery.attempts += 1
    try:
        status = post(delivery.endpoint.url, body, headers)
        delivery.last_status_code, delivery.last_error = status, "" if 200 <= status < 300 else f"HTTP {status}"
    except OSError as error:
        status, delivery.last_status_code, delivery.last_error = 0, None, str(error)[:400]
    if 200 <= status < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", naive_utc(now), None
        return True
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = "failed", None
        log.warning("webhook %s to %s failed for good: %s", delivery.event_id, delivery.endpoint.url, delivery.last_error)
    else:
        delivery.next_attempt_at = naive_utc(now + backoff(delivery.attempts))
    return False


def delivery_log(session: Session, limit: int = 200) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)))
