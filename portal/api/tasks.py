"""Webhook delivery as a task: queued by the consumer's periodic check whenever a delivery is due."""

from __future__ import annotations

import logging

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from portal.api.models import WebhookDelivery
from portal.api.webhooks import deliver, due_deliveries, install_outbox
from portal.clock import Clock, naive_utc
from portal.tasks.models import Task
from portal.tasks.queue import TaskQueue
from portal.tasks.registry import TaskContext, registry

log = logging.getLogger(__name__)
KIND = "deliver_webhooks"

install_outbox()


@registry.kind(KIND)
def deliver_webhooks(context: TaskContext) -> str:
    """Post every due delivery once; each is committed as it goes (a crash repeats at most one)."""
    sent = failed = 0
    for delivery in due_deliveries(context.session, context.clock.now()):
        if deliver(delivery, context.clock.now()):
            sent += 1
        else:
            failed += 1
        context.session.commit()
    return f"已推送 {sent} 条事件，{failed} 条未成功（稍后重试）。"


@registry.periodic
def schedule_deliveries(session: Session, clock: Clock, queue: TaskQueue) -> None:
    """Queue a delivery task when something is due and none is queued or running already."""
    due = session.scalar(select(exists().where(WebhookDelivery.status == "pending",
                                               WebhookDelivery.next_attempt_at <= naive_utc(clock.now()))))
    if not due:
        return
    busy = session.scalar(select(exists().where(Task.kind == KIND, Task.status.in_(("queued", "running")))))
    if not busy:
        queue.enqueue(session, clock, KIND, {}, None)
